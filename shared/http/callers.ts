import type { Role } from '../auth/roles';
import type { Principal } from '../auth/route-access';
import { NotFoundError } from '../errors';

/**
 * Who calls the API:
 * - `admin`: the admin token, the agency's break-glass credential (every route, every client);
 * - `client`: one client's own system, by an API key of that client (its own data only);
 * - `user`: a person signed in, with the role and client read from the users table.
 */
export type Caller =
  | { kind: 'admin' }
  | { kind: 'client'; clientId: string; keyId: string; label?: string }
  | { kind: 'user'; userId: string; email: string; name: string; role: Role; clientId?: string };

/** The principal of the route-access table (shared/auth/route-access.ts) a caller acts as. */
export function principalOf(caller: Caller): Principal | 'admin_token' {
  if (caller.kind === 'admin') return 'admin_token';
  if (caller.kind === 'client') return 'client_api_key';
  return caller.role;
}

/** The one client a caller is limited to; undefined for the agency (every client). */
export function clientScopeOf(caller: Caller): string | undefined {
  if (caller.kind === 'client') return caller.clientId;
  if (caller.kind === 'user' && caller.clientId !== undefined) return caller.clientId;
  return undefined;
}

/** Who did it, as a timeline entry or a record says: a person's email, an API key, the admin token. */
export function callerLabel(caller: Caller): string {
  if (caller.kind === 'user') return caller.email;
  if (caller.kind === 'client') return `API key ${caller.label ? `"${caller.label}" ` : ''}(${caller.keyId})`;
  return 'admin token';
}

/** A record of `clientId` as its caller may see it: another client's is, to a client-scoped caller, as if it did not exist. */
export function assertVisible(caller: Caller, clientId: string, kind: string, id: string): void {
  const scope = clientScopeOf(caller);
  if (scope !== undefined && scope !== clientId) throw new NotFoundError(kind, id);
}
