import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { adminToken } from '../adapters/admin-token';
import { apiKeys, type ApiKeyRecord } from '../adapters/dynamo/api-keys';
import { TtlCache } from '../adapters/ttl-cache';
import { NotFoundError } from '../errors';

/**
 * Who calls the API: the agency (the admin token: every client's data) or one client's own
 * system (an API key of that client: its own cases and imports, see CLIENT_ROUTES).
 */
export type Caller = { kind: 'admin' } | { kind: 'client'; clientId: string; keyId: string };

/**
 * The routes a client's API key may call: upload files and follow their imports, read its cases,
 * their timelines and communications, and report payments it received. Everything else (clients,
 * business entities, holds, plans, settlements, closing, contact preferences, keys) is the
 * agency's operators' work.
 */
export const CLIENT_ROUTES: ReadonlySet<string> = new Set([
  'GET /clients/{clientId}',
  'POST /clients/{clientId}/imports',
  'GET /clients/{clientId}/imports',
  'GET /imports/{importId}',
  'GET /imports/{importId}/report',
  'GET /clients/{clientId}/cases',
  'GET /cases/{caseId}',
  'GET /cases/{caseId}/communications',
  'GET /cases/{caseId}/timeline',
  'POST /cases/{caseId}/payments',
]);

/** `rk_<key id>.<secret>`: the id finds the key, the secret proves it. */
const API_KEY_TOKEN = /^rk_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** A new key's token (shown once) and what is stored of it. */
export function newApiKeyToken(): { keyId: string; token: string; secretSha256: string } {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `rk_${keyId}.${secret}`, secretSha256: sha256(secret).toString('hex') };
}

/** Keys read in this container, so a request costs no lookup; a revoked key stops working within this. */
const KEY_CACHE_MS = 60_000;
const keyCache = new TtlCache<ApiKeyRecord | undefined>(KEY_CACHE_MS);

/** Drops a key from this container's cache (it was just revoked here). */
export function forgetApiKey(keyId: string): void {
  keyCache.forget(keyId);
}

/** The caller a bearer token stands for, or undefined when it is no valid token. */
export async function callerOf(token: string): Promise<Caller | undefined> {
  // Digests of equal length compared in constant time: neither the token nor its length leaks.
  if (timingSafeEqual(sha256(token), sha256(await adminToken()))) return { kind: 'admin' };
  const m = API_KEY_TOKEN.exec(token);
  if (!m) return undefined;
  const keyId = m[1]!;
  const key = await keyCache.get(keyId, () => apiKeys.find(keyId));
  if (!key || key.revokedAt) return undefined;
  return timingSafeEqual(sha256(m[2]!), Buffer.from(key.secretSha256, 'hex')) ? { kind: 'client', clientId: key.clientId, keyId: key.keyId } : undefined;
}

/** A record of `clientId` as its caller may see it: another client's is, to a client's key, as if it did not exist. */
export function assertVisible(caller: Caller, clientId: string, kind: string, id: string): void {
  if (caller.kind === 'client' && caller.clientId !== clientId) throw new NotFoundError(kind, id);
}
