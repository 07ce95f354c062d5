import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keyLength: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keyLength, options, (e, key) => (e ? reject(e) : resolve(key))));

/**
 * scrypt with OWASP's recommended minimum (N = 2^17, r = 8, p = 1: 128 MiB a hash), so a stolen
 * store costs an attacker memory, not just time.
 * https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt
 */
export const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keyLength: 32 } as const;

const options = (n: number, r: number, p: number): ScryptOptions => ({ N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });

/**
 * `scrypt$N$r$p$<salt>$<hash>` (base64url), the parameters kept with the hash so they can change.
 * `n` lower than the default only where many hashes are made on purpose (the test suite).
 */
export async function hashPassword(password: string, n: number = SCRYPT.N): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keyLength, options(n, SCRYPT.r, SCRYPT.p));
  return ['scrypt', n, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, options(Number(n), Number(r), Number(p)));
  return timingSafeEqual(key, expected);
}
