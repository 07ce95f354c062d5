import type { PoolUser } from './user-pool';
import { PoolError, type LocalUserPool } from './user-pool';

/** What the local user pool does when Cognito would send mail: the invitation with its temporary password. */
export type InvitationMailer = (to: string, name: string, temporaryPassword: string) => Promise<void>;

const attributes = (u: PoolUser) => [
  { Name: 'sub', Value: u.sub },
  { Name: 'email', Value: u.email },
  { Name: 'email_verified', Value: 'true' },
  { Name: 'name', Value: u.name },
];
const userType = (u: PoolUser) => ({
  Username: u.sub,
  Attributes: attributes(u),
  Enabled: u.enabled,
  UserStatus: u.status,
  UserCreateDate: u.createdAt / 1000,
  UserLastModifiedDate: u.updatedAt / 1000,
});

type Input = Record<string, unknown>;
const str = (input: Input, name: string): string => {
  const v = input[name];
  if (typeof v !== 'string' || !v) throw new PoolError('InvalidParameterException', `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must not be null`);
  return v;
};

/**
 * The part of the Cognito user pools API (JSON 1.1, `X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Action>`) that the users function calls, over the local
 * user pool, so the function runs the same SDK calls as on AWS.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/Welcome.html
 */
export function cognitoApi(pool: LocalUserPool, poolId: string, groups: readonly string[], mail: InvitationMailer) {
  const checkPool = (input: Input) => {
    if (str(input, 'UserPoolId') !== poolId) throw new PoolError('ResourceNotFoundException', `User pool ${String(input.UserPoolId)} does not exist.`);
  };
  const checkGroup = (input: Input) => {
    const g = str(input, 'GroupName');
    if (!groups.includes(g)) throw new PoolError('ResourceNotFoundException', 'Group not found.');
    return g;
  };
  const actions: Record<string, (input: Input) => Promise<unknown>> = {
    async AdminCreateUser(input) {
      checkPool(input);
      const attrs = Object.fromEntries(((input.UserAttributes ?? []) as { Name: string; Value: string }[]).map((a) => [a.Name, a.Value]));
      const email = str(input, 'Username');
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new PoolError('InvalidParameterException', 'Username should be an email.');
      const { user, temporaryPassword } = await pool.create(email, attrs.name ?? email);
      if (input.MessageAction !== 'SUPPRESS') {
        try {
          await mail(user.email, user.name, temporaryPassword);
        } catch (e) {
          // Cognito answers CodeDeliveryFailureException when it cannot deliver the message; the
          // user is not left half-made, so asking again (an SDK retry, the admin) creates it.
          // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
          pool.remove(user.sub);
          throw new PoolError('CodeDeliveryFailureException', `The invitation could not be delivered: ${(e as Error).message}`);
        }
      }
      return { User: userType(user) };
    },
    async AdminGetUser(input) {
      checkPool(input);
      const u = pool.get(str(input, 'Username'));
      return { Username: u.sub, UserAttributes: attributes(u), Enabled: u.enabled, UserStatus: u.status, UserCreateDate: u.createdAt / 1000, UserLastModifiedDate: u.updatedAt / 1000 };
    },
    async AdminAddUserToGroup(input) {
      checkPool(input);
      const g = checkGroup(input);
      pool.update(str(input, 'Username'), (u) => void (u.groups.includes(g) || u.groups.push(g)));
      return {};
    },
    async AdminRemoveUserFromGroup(input) {
      checkPool(input);
      const g = checkGroup(input);
      pool.update(str(input, 'Username'), (u) => void (u.groups = u.groups.filter((x) => x !== g)));
      return {};
    },
    async AdminUpdateUserAttributes(input) {
      checkPool(input);
      const attrs = (input.UserAttributes ?? []) as { Name: string; Value: string }[];
      pool.update(str(input, 'Username'), (u) => {
        for (const a of attrs) if (a.Name === 'name') u.name = a.Value;
      });
      return {};
    },
    async AdminDisableUser(input) {
      checkPool(input);
      pool.update(str(input, 'Username'), (u) => void (u.enabled = false));
      return {};
    },
    async AdminEnableUser(input) {
      checkPool(input);
      pool.update(str(input, 'Username'), (u) => void (u.enabled = true));
      return {};
    },
    async AdminUserGlobalSignOut(input) {
      checkPool(input);
      pool.signOutEverywhere(pool.get(str(input, 'Username')).sub);
      return {};
    },
  };

  return async (target: string, input: Input): Promise<{ status: number; body: unknown; errorType?: string }> => {
    const action = target.replace(/^AWSCognitoIdentityProviderService\./, '');
    const run = actions[action];
    if (!run) return { status: 400, errorType: 'UnknownOperationException', body: { __type: 'UnknownOperationException', message: `the local user pool does not implement ${action}` } };
    try {
      return { status: 200, body: await run(input) };
    } catch (e) {
      if (e instanceof PoolError) return { status: e.status, errorType: e.type, body: { __type: e.type, message: e.message } };
      throw e;
    }
  };
}
