import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Role } from '../auth/roles';
import { ConflictError } from '../errors';
import { config } from './config';
import { sdkClientOptions } from './sdk-client-options';

let client: CognitoIdentityProviderClient | undefined;
const idp = () => (client ??= new CognitoIdentityProviderClient(sdkClientOptions()));

function poolId(): string {
  const id = config().USER_POOL_ID;
  if (!id) throw new Error('USER_POOL_ID is not set: this function was not given the user pool');
  return id;
}

/**
 * The sign-in directory (a Cognito user pool; locally its stand-in): passwords, invitations,
 * one group per role, enabled or not. Users are addressed by email, the pool's sign-in name.
 */
export const userDirectory = {
  /**
   * Creates the user and has the directory mail the invitation with a temporary password;
   * the first sign-in sets a new one. Answers the user's `sub`.
   * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
   */
  async invite(u: { email: string; name: string; role: Role }): Promise<string> {
    const UserPoolId = poolId();
    let sub: string | undefined;
    try {
      const out = await idp().send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username: u.email,
          UserAttributes: [
            { Name: 'email', Value: u.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: u.name },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
      sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    } catch (e) {
      if (e instanceof UsernameExistsException) throw new ConflictError(`a user with email ${u.email} exists already`, 'user_exists');
      throw e;
    }
    if (!sub) throw new Error('the user pool created the user but answered no sub');
    await idp().send(new AdminAddUserToGroupCommand({ UserPoolId, Username: u.email, GroupName: u.role }));
    return sub;
  },

  async changeRole(email: string, from: Role, to: Role): Promise<void> {
    const UserPoolId = poolId();
    await idp().send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: to }));
    await idp().send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: email, GroupName: from }));
  },

  async rename(email: string, name: string): Promise<void> {
    await idp().send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId(), Username: email, UserAttributes: [{ Name: 'name', Value: name }] }));
  },

  /** No more sign-ins, and every refresh token is revoked (access tokens are refused by the API's user check). */
  async disable(email: string): Promise<void> {
    const UserPoolId = poolId();
    await idp().send(new AdminDisableUserCommand({ UserPoolId, Username: email }));
    await idp().send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: email }));
  },

  async enable(email: string): Promise<void> {
    await idp().send(new AdminEnableUserCommand({ UserPoolId: poolId(), Username: email }));
  },
};
