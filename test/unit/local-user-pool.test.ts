import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, SCRYPT, verifyPassword } from '../../infra/local/auth/passwords';
import { LocalUserPool, LOCKOUT } from '../../infra/local/auth/user-pool';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function pool(now: { t: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-pool-'));
  dirs.push(dir);
  const file = join(dir, 'user-pool.json');
  return { file, pool: new LocalUserPool({ file, scryptN: 2 ** 10, now: () => now.t }) };
}

describe('passwords', () => {
  it('are kept as salted scrypt hashes with their parameters, never as themselves', async () => {
    const a = await hashPassword('correct horse battery', 2 ** 10);
    const b = await hashPassword('correct horse battery', 2 ** 10);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b); // salted
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });

  it("default to OWASP's scrypt minimum (N = 2^17, r = 8, p = 1)", () => {
    expect(SCRYPT).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
  });

  it('the pool file holds no password, temporary or chosen', async () => {
    const now = { t: Date.parse('2026-01-05T09:00:00Z') };
    const { pool: p, file } = pool(now);
    const { temporaryPassword } = await p.create('olivia@northwind.example', 'Olivia');
    await p.signIn('olivia@northwind.example', temporaryPassword, 'my own long password');
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(temporaryPassword);
    expect(stored).not.toContain('my own long password');
  });
});

describe('lockout', () => {
  it('five wrong passwords in a row lock the account for 15 minutes, even against the right one; then it opens again', async () => {
    const now = { t: Date.parse('2026-01-05T09:00:00Z') };
    const { pool: p } = pool(now);
    const { user } = await p.create('vera@northwind.example', 'Vera');
    await p.setPassword(user.sub, 'the right password');
    for (let i = 0; i < LOCKOUT.attempts; i++) await expect(p.signIn('vera@northwind.example', `wrong ${i}`)).rejects.toThrow('Incorrect username or password.');
    await expect(p.signIn('vera@northwind.example', 'the right password')).rejects.toThrow(/locked for 15 minutes/);
    now.t += LOCKOUT.ms - 1_000;
    await expect(p.signIn('vera@northwind.example', 'the right password')).rejects.toThrow(/locked/);
    now.t += 2_000;
    await expect(p.signIn('vera@northwind.example', 'the right password')).resolves.toMatchObject({ user: { email: 'vera@northwind.example', failedAttempts: 0 } });
  });

  it('a right password in between starts the count again', async () => {
    const now = { t: Date.parse('2026-01-05T09:00:00Z') };
    const { pool: p } = pool(now);
    const { user } = await p.create('carl@northwind.example', 'Carl');
    await p.setPassword(user.sub, 'the right password');
    for (let i = 0; i < 4; i++) await expect(p.signIn('carl@northwind.example', 'wrong')).rejects.toThrow();
    await p.signIn('carl@northwind.example', 'the right password');
    for (let i = 0; i < 4; i++) await expect(p.signIn('carl@northwind.example', 'wrong')).rejects.toThrow();
    await expect(p.signIn('carl@northwind.example', 'the right password')).resolves.toMatchObject({ user: { email: 'carl@northwind.example' } });
  });
});

describe('invitations and refresh tokens', () => {
  it("a temporary password only starts a first sign-in that sets a new one, and expires after 7 days", async () => {
    const now = { t: Date.parse('2026-01-05T09:00:00Z') };
    const { pool: p } = pool(now);
    const { temporaryPassword } = await p.create('a@x.example', 'A');
    expect(await p.signIn('a@x.example', temporaryPassword)).toMatchObject({ challenge: 'NEW_PASSWORD_REQUIRED' });
    await expect(p.signIn('a@x.example', temporaryPassword, 'short')).rejects.toThrow(/at least 12 characters/);
    const { temporaryPassword: late } = await p.create('b@x.example', 'B');
    now.t += 8 * 24 * 3600_000;
    await expect(p.signIn('b@x.example', late, 'a long new password')).rejects.toThrow(/expired/);
  });

  it('a refresh token is good once: it answers its successor; used again, it revokes the whole family', async () => {
    const now = { t: Date.parse('2026-01-05T09:00:00Z') };
    const { pool: p } = pool(now);
    const { user } = await p.create('r@x.example', 'R');
    const first = p.issueRefreshToken(user.sub);
    const { refreshToken: second } = p.rotateRefreshToken(first);
    expect(second).not.toBe(first);
    expect(() => p.rotateRefreshToken(first)).toThrow('Invalid Refresh Token');
    // The reuse of a stolen token also ends the thief's and the owner's successor.
    expect(() => p.rotateRefreshToken(second)).toThrow('Invalid Refresh Token');
  });

  it('a global sign-out and a disabled user end refreshing', async () => {
    const now = { t: Date.parse('2026-01-05T09:00:00Z') };
    const { pool: p } = pool(now);
    const { user } = await p.create('s@x.example', 'S');
    const t1 = p.issueRefreshToken(user.sub);
    p.signOutEverywhere(user.sub);
    expect(() => p.rotateRefreshToken(t1)).toThrow('Invalid Refresh Token');
    const t2 = p.issueRefreshToken(user.sub);
    p.update(user.sub, (u) => void (u.enabled = false));
    expect(() => p.rotateRefreshToken(t2)).toThrow('User is disabled.');
  });
});
