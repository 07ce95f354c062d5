import { timingSafeEqual } from 'node:crypto';
import { adminToken } from '../adapters/admin-token';
import { apiKeys } from '../adapters/dynamo/api-keys';
import type { Caller } from '../http/callers';
import { API_KEY_TOKEN, sha256 } from './api-key-token';

/**
 * The machine caller a bearer token stands for (the admin token or a client's API key), or
 * undefined when it is neither. Read fresh each time: the API's authorizer cache decides how
 * long an answer is reused (one minute), so a revoked key stops working within that.
 */
export async function machineCallerOf(token: string): Promise<Extract<Caller, { kind: 'admin' | 'client' }> | undefined> {
  // Digests of equal length compared in constant time: neither the token nor its length leaks.
  if (timingSafeEqual(sha256(token), sha256(await adminToken()))) return { kind: 'admin' };
  const m = API_KEY_TOKEN.exec(token);
  if (!m) return undefined;
  const key = await apiKeys.find(m[1]!);
  if (!key || key.revokedAt) return undefined;
  if (!timingSafeEqual(sha256(m[2]!), Buffer.from(key.secretSha256, 'hex'))) return undefined;
  return { kind: 'client', clientId: key.clientId, keyId: key.keyId, ...(key.label ? { label: key.label } : {}) };
}

