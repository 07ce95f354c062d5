import { z } from 'zod';
import { nowIso } from '../../shared/adapters/clock';
import { clients } from '../../shared/adapters/dynamo/repositories';
import { users, type UserRecord } from '../../shared/adapters/dynamo/users';
import { userDirectory } from '../../shared/adapters/user-directory';
import { isClientRole } from '../../shared/auth/roles';
import { ConflictError, ValidationError } from '../../shared/errors';
import { apiHandler, created, ok, type ApiRequest } from '../../shared/http/api-handler';
import { callerLabel } from '../../shared/http/callers';
import { parseOrThrow, refuseQuery } from '../../shared/http/validate';
import { newUserSchema, userListQuerySchema, userPatchSchema } from '../../shared/schemas/user';

const listQuery = userListQuerySchema;

/**
 * People who sign in. A user lives in two places: the sign-in directory (password, invitation,
 * a group per role, enabled or not) and the table (role and client, which the API reads on every
 * request by the token's `sub`). Deleting disables: the user's history keeps its name.
 */
export const handler = apiHandler({
  /** Who the credential stands for (the console shows the role and limits its navigation by it). */
  'GET /me': async ({ caller, query }) => {
    refuseQuery(query);
    return ok({ ...caller, label: callerLabel(caller) });
  },

  'POST /users': async ({ body, caller }) => {
    const input = parseOrThrow(newUserSchema, body);
    if (input.clientId) await knownClient(input.clientId);
    const userId = await userDirectory.invite(input);
    const at = nowIso();
    const record: UserRecord = { userId, ...input, disabled: false, createdBy: callerLabel(caller), version: 1, createdAt: at, updatedAt: at };
    return created(await users.create(record));
  },

  'GET /users': async ({ query }) => {
    const q = parseOrThrow(listQuery, query, 'query');
    return ok(q.clientId ? await users.listByClient(q.clientId, q.limit, q.cursor) : await users.list(q.limit, q.cursor));
  },

  'GET /users/{userId}': async ({ params, query }) => {
    refuseQuery(query);
    return ok(await users.get(params.userId!));
  },

  'PATCH /users/{userId}': async (req) => {
    const patch = parseOrThrow(userPatchSchema, req.body ?? {});
    return ok(await change(req, patch));
  },

  /** Disables the user (no sign-in, refresh tokens revoked, every request refused); the record and its history stay. */
  'DELETE /users/{userId}': async (req) => ok(await change(req, { disabled: true })),
});

async function change(req: ApiRequest, patch: z.infer<typeof userPatchSchema>): Promise<UserRecord> {
  const user = await users.get(req.params.userId!);
  if (patch.version !== undefined && patch.version !== user.version) {
    throw new ConflictError(`user was changed by someone else (expected version ${patch.version}, it is at ${user.version}); read it again and retry`, 'stale_version');
  }
  if (patch.disabled === true && req.caller.kind === 'user' && req.caller.userId === user.userId) {
    throw new ConflictError('you cannot disable yourself; another agency admin can', 'self_disable');
  }
  const role = patch.role ?? user.role;
  const clientId = patch.clientId === null ? undefined : (patch.clientId ?? user.clientId);
  if (isClientRole(role) && !clientId) throw new ValidationError('a client role needs its client', [{ field: 'clientId', message: `is required for role ${role}` }]);
  if (!isClientRole(role) && clientId) throw new ValidationError('an agency role reaches every client', [{ field: 'clientId', message: `must be null for role ${role}` }]);
  if (clientId && clientId !== user.clientId) await knownClient(clientId);

  const at = nowIso();
  const next: UserRecord = { ...user, name: patch.name ?? user.name, role, clientId, updatedAt: at };
  if (!clientId) delete next.clientId;
  const disabling = patch.disabled === true && !user.disabled;
  const enabling = patch.disabled === false && user.disabled;
  if (disabling) Object.assign(next, { disabled: true, disabledAt: at });
  if (enabling) {
    next.disabled = false;
    delete next.disabledAt;
  }
  if (JSON.stringify({ ...next, updatedAt: user.updatedAt }) === JSON.stringify(user)) return user;

  // The table first when taking rights away (it is what every request reads), the directory first when giving them.
  if (disabling) {
    const written = await users.replace(next, user.version);
    await userDirectory.disable(user.email);
    return written;
  }
  if (role !== user.role) await userDirectory.changeRole(user.email, user.role, role);
  if (next.name !== user.name) await userDirectory.rename(user.email, next.name);
  if (enabling) await userDirectory.enable(user.email);
  return users.replace(next, user.version);
}

async function knownClient(clientId: string): Promise<void> {
  if (!(await clients.find(clientId))) throw new ValidationError('unknown client', [{ field: 'clientId', message: `no client with id "${clientId}"` }]);
}
