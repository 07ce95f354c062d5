import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PASSWORD_POLICY, passwordProblem } from '../../../shared/auth/password-policy';
import { hashPassword, verifyPassword } from './passwords';

/** A user of the local user pool, as Cognito keeps one: the password only as a scrypt hash. */
export interface PoolUser {
  sub: string;
  email: string;
  name: string;
  groups: string[];
  enabled: boolean;
  /** FORCE_CHANGE_PASSWORD until the first sign-in replaces the invitation's temporary password. */
  status: 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';
  passwordHash: string;
  temporaryPasswordExpiresAt?: number;
  failedAttempts: number;
  lockedUntil?: number;
  createdAt: number;
  updatedAt: number;
}

interface RefreshRecord {
  sub: string;
  /** Every token rotated from one sign-in shares a family: a reused one revokes the family. */
  family: string;
  expiresAt: number;
  usedAt?: number;
}

interface Store {
  users: Record<string, PoolUser>;
  refresh: Record<string, RefreshRecord>;
}

/** Errors named as Cognito names them, so the SDK and scripts see what they would see on AWS. */
export class PoolError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Cognito locks a user out after five failed sign-ins in a row; here the lock lasts 15 minutes.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html
 */
export const LOCKOUT = { attempts: 5, ms: 15 * 60_000 } as const;
export const REFRESH_TOKEN_MS = 30 * 24 * 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface UserPoolOptions {
  /** Where the pool is kept (JSON); it survives restarts like the rest of the data. */
  file: string;
  /** scrypt cost (see passwords.ts). */
  scryptN?: number;
  /** Wall time (lockouts and token lifetimes are real time, not the virtual clock). */
  now?: () => number;
}

export type SignInResult = { user: PoolUser } | { challenge: 'NEW_PASSWORD_REQUIRED'; user: PoolUser };

/** The local stand-in for a Cognito user pool's users: passwords, groups, lockout, refresh tokens. */
export class LocalUserPool {
  private readonly store: Store;
  private readonly now: () => number;

  constructor(private readonly opts: UserPoolOptions) {
    this.now = opts.now ?? Date.now;
    this.store = existsSync(opts.file) ? (JSON.parse(readFileSync(opts.file, 'utf8')) as Store) : { users: {}, refresh: {} };
  }

  get size(): number {
    return Object.keys(this.store.users).length;
  }

  find(emailOrSub: string): PoolUser | undefined {
    const key = emailOrSub.toLowerCase();
    return this.store.users[key] ?? Object.values(this.store.users).find((u) => u.sub === emailOrSub);
  }

  get(emailOrSub: string): PoolUser {
    const u = this.find(emailOrSub);
    if (!u) throw new PoolError('UserNotFoundException', 'User does not exist.');
    return u;
  }

  /** AdminCreateUser: a new user with a temporary password (answered, for the invitation mail). */
  async create(email: string, name: string): Promise<{ user: PoolUser; temporaryPassword: string }> {
    const key = email.toLowerCase();
    if (this.store.users[key]) throw new PoolError('UsernameExistsException', 'An account with the given email already exists.');
    const temporaryPassword = randomBytes(12).toString('base64url');
    const at = this.now();
    const user: PoolUser = {
      sub: randomUUID(),
      email: key,
      name,
      groups: [],
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
      passwordHash: await hashPassword(temporaryPassword, this.opts.scryptN),
      temporaryPasswordExpiresAt: at + PASSWORD_POLICY.temporaryPasswordValidityDays * 24 * 3600_000,
      failedAttempts: 0,
      createdAt: at,
      updatedAt: at,
    };
    this.store.users[key] = user;
    this.save();
    return { user, temporaryPassword };
  }

  /** Forgets a user whose creation could not be completed (its invitation was never mailed). */
  remove(emailOrSub: string): void {
    delete this.store.users[this.get(emailOrSub).email];
    this.save();
  }

  /** AdminSetUserPassword with Permanent: true. */
  async setPassword(emailOrSub: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new PoolError('InvalidPasswordException', `Password does not conform to policy: ${problem}`);
    const u = this.get(emailOrSub);
    Object.assign(u, { passwordHash: await hashPassword(password, this.opts.scryptN), status: 'CONFIRMED', updatedAt: this.now() });
    delete u.temporaryPasswordExpiresAt;
    this.save();
  }

  update(emailOrSub: string, change: (u: PoolUser) => void): PoolUser {
    const u = this.get(emailOrSub);
    change(u);
    u.updatedAt = this.now();
    this.save();
    return u;
  }

  /**
   * A password sign-in. Wrong passwords count; the fifth in a row locks the user for 15 minutes,
   * during which even the right one is refused. An unknown email fails like a wrong password.
   * A user still on the temporary password must give a new one (`newPassword`) to finish.
   */
  async signIn(email: string, password: string, newPassword?: string): Promise<SignInResult> {
    const refused = new PoolError('NotAuthorizedException', 'Incorrect username or password.');
    const u = this.find(email);
    if (!u) throw refused;
    const now = this.now();
    if (u.lockedUntil !== undefined && u.lockedUntil > now) throw new PoolError('NotAuthorizedException', 'Password attempts exceeded: the user is locked for 15 minutes.');
    if (!(await verifyPassword(password, u.passwordHash))) {
      const locked = u.lockedUntil !== undefined && u.lockedUntil <= now;
      this.update(u.email, (x) => {
        x.failedAttempts = (locked ? 0 : x.failedAttempts) + 1;
        delete x.lockedUntil;
        if (x.failedAttempts >= LOCKOUT.attempts) x.lockedUntil = now + LOCKOUT.ms;
      });
      throw refused;
    }
    if (!u.enabled) throw new PoolError('NotAuthorizedException', 'User is disabled.');
    if (u.status === 'FORCE_CHANGE_PASSWORD') {
      if (u.temporaryPasswordExpiresAt !== undefined && u.temporaryPasswordExpiresAt < now) {
        throw new PoolError('NotAuthorizedException', 'Temporary password has expired and must be reset by an administrator.');
      }
      if (!newPassword) {
        this.update(u.email, (x) => void ((x.failedAttempts = 0), delete x.lockedUntil));
        return { challenge: 'NEW_PASSWORD_REQUIRED', user: u };
      }
      await this.setPassword(u.email, newPassword);
    }
    return { user: this.update(u.email, (x) => void ((x.failedAttempts = 0), delete x.lockedUntil)) };
  }

  /** A new refresh token (opaque, kept only as a digest), of a new family or the family it rotates. */
  issueRefreshToken(sub: string, family: string = randomUUID()): string {
    const token = randomBytes(48).toString('base64url');
    this.store.refresh[sha256(token)] = { sub, family, expiresAt: this.now() + REFRESH_TOKEN_MS };
    this.save();
    return token;
  }

  /**
   * Redeems a refresh token once: answers its user and the token that replaces it. A token used
   * a second time means it leaked: its whole family is revoked.
   */
  rotateRefreshToken(token: string): { user: PoolUser; refreshToken: string } {
    const invalid = new PoolError('NotAuthorizedException', 'Invalid Refresh Token');
    const rec = this.store.refresh[sha256(token)];
    if (!rec) throw invalid;
    if (rec.usedAt !== undefined) {
      this.revokeWhere((r) => r.family === rec.family);
      throw invalid;
    }
    if (rec.expiresAt <= this.now()) throw new PoolError('NotAuthorizedException', 'Refresh Token has expired');
    const user = this.find(rec.sub);
    if (!user || !user.enabled) throw new PoolError('NotAuthorizedException', 'User is disabled.');
    rec.usedAt = this.now();
    return { user, refreshToken: this.issueRefreshToken(rec.sub, rec.family) };
  }

  /** AdminUserGlobalSignOut: every refresh token of the user stops working. */
  signOutEverywhere(sub: string): void {
    this.revokeWhere((r) => r.sub === sub);
  }

  private revokeWhere(match: (r: RefreshRecord) => boolean): void {
    for (const [k, r] of Object.entries(this.store.refresh)) if (match(r)) delete this.store.refresh[k];
    this.save();
  }

  private save(): void {
    mkdirSync(dirname(this.opts.file), { recursive: true });
    const tmp = `${this.opts.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.store));
    renameSync(tmp, this.opts.file);
  }
}
