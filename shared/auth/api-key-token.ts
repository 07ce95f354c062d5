import { createHash, randomBytes } from 'node:crypto';

/** `rk_<key id>.<secret>`: the id finds the key, the secret proves it. */
export const API_KEY_TOKEN = /^rk_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

export const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** A new key's token (shown once) and what is stored of it. */
export function newApiKeyToken(): { keyId: string; token: string; secretSha256: string } {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `rk_${keyId}.${secret}`, secretSha256: sha256(secret).toString('hex') };
}

