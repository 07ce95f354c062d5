import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ROLES } from '../../../shared/auth/roles';
import { close, listen } from '../stand-ins';
import { cognitoApi, type InvitationMailer } from './cognito-api';
import { loginPage } from './login-page';
import { loadSigner, type Signer } from './signing';
import { LocalUserPool, PoolError, type PoolUser } from './user-pool';

export interface LocalIssuerOptions {
  dataDir: string;
  port: number;
  poolId: string;
  /** The console's public app client. */
  clientId: string;
  /** Origins whose pages may be redirected to with a code, and may call the token endpoint. */
  consoleOrigins: readonly string[];
  mail: InvitationMailer;
  scryptN?: number;
}

export interface LocalIssuer {
  /** The issuer (`iss`), as Cognito's `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  issuer: string;
  /** Base URL: the Cognito API endpoint and the managed-login domain in one. */
  url: string;
  port: number;
  pool: LocalUserPool;
  signer: Signer;
  /** Email and password straight to tokens (for scripts; POST /local/auth/token). */
  passwordGrant(email: string, password: string, newPassword?: string): Promise<Tokens>;
  stop(): Promise<void>;
}

export interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: 'Bearer';
}

interface PendingCode {
  sub: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  nonce?: string;
  authTime: number;
  expiresAt: number;
}

const CODE_MS = 5 * 60_000;
const SCOPES = ['openid', 'email', 'profile'];
const b64sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/**
 * A local OpenID Connect issuer standing in for a Cognito user pool and its managed login:
 * discovery, JWKS, authorization code with PKCE (S256, required: the console is a public
 * client), token and refresh (rotated), and the Cognito API the users function calls.
 */
export async function startLocalIssuer(opts: LocalIssuerOptions): Promise<LocalIssuer> {
  const pool = new LocalUserPool({ file: join(opts.dataDir, 'auth', 'user-pool.json'), scryptN: opts.scryptN });
  const codes = new Map<string, PendingCode>();
  const sessions = new Map<string, { email: string; params: Record<string, string>; expiresAt: number }>();
  const api = cognitoApi(pool, opts.poolId, ROLES, opts.mail);
  let base = '';
  let signer: Signer | undefined;

  const server = createServer((req, res) => {
    void route(req, res).catch((e: unknown) => {
      if (e instanceof PoolError) return sendJson(res, e.status, { __type: e.type, message: e.message });
      sendJson(res, 500, { error: 'server_error', error_description: e instanceof Error ? e.message : String(e) });
    });
  });
  const port = await listen(server, opts.port, 'local sign-in (OpenID Connect issuer)');
  base = `http://127.0.0.1:${port}`;
  const issuer = `${base}/${opts.poolId}`;
  signer = await loadSigner(join(opts.dataDir, 'auth', 'signing-key.json'), issuer);
  const sign = signer;

  const tokensFor = async (user: PoolUser, clientId: string, scope: string, authTime: number, nonce?: string, family?: string): Promise<Tokens> => ({
    ...(await sign.tokensFor(user, { clientId, scope, nonce, authTime })),
    refresh_token: family ?? pool.issueRefreshToken(user.sub),
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const origin = req.headers.origin;
    if (origin && opts.consoleOrigins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type, authorization', 'access-control-max-age': '600' });
      return void res.end();
    }
    const target = req.headers['x-amz-target'];
    if (req.method === 'POST' && url.pathname === '/' && typeof target === 'string') {
      const out = await api(target, JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>);
      res.writeHead(out.status, { 'content-type': 'application/x-amz-json-1.1', ...(out.errorType ? { 'x-amzn-errortype': out.errorType } : {}) });
      return void res.end(JSON.stringify(out.body));
    }
    const key = `${req.method} ${url.pathname}`;
    if (key === `GET /${opts.poolId}/.well-known/openid-configuration`) return sendJson(res, 200, discovery());
    if (key === `GET /${opts.poolId}/.well-known/jwks.json`) return sendJson(res, 200, sign.jwks);
    if (key === 'GET /oauth2/authorize' || key === 'GET /login') return authorize(url.searchParams, res);
    if (key === 'POST /login') return login(new URLSearchParams(await readBody(req)), res);
    if (key === 'POST /oauth2/token') return token(new URLSearchParams(await readBody(req)), res);
    if (key === 'GET /logout') {
      const to = url.searchParams.get('logout_uri') ?? '';
      return allowedRedirect(to) ? redirect(res, to) : sendHtml(res, 400, 'unknown logout_uri');
    }
    sendJson(res, 404, { error: 'not_found', error_description: `${key} is not an endpoint of the local issuer` });
  }

  function discovery() {
    return {
      issuer,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      end_session_endpoint: `${base}/logout`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: SCOPES,
      token_endpoint_auth_methods_supported: ['none'],
      code_challenge_methods_supported: ['S256'],
      claims_supported: ['sub', 'email', 'email_verified', 'name', 'cognito:groups'],
    };
  }

  // As the user pool's app client: a callback (and sign-out) URL must be one listed, exactly:
  // the console's `<origin>/` (infra/constructs/auth.ts).
  const allowedRedirect = (uri: string) => opts.consoleOrigins.some((o) => uri === `${o}/`);

  /** The authorization request's problem, if any (shown to the person: never redirect to an unchecked URI). */
  function requestProblem(p: URLSearchParams | Record<string, string>): string | undefined {
    const get = (k: string) => (p instanceof URLSearchParams ? p.get(k) : p[k]) ?? '';
    if (get('client_id') !== opts.clientId) return 'unknown client_id';
    if (!allowedRedirect(get('redirect_uri'))) return 'redirect_uri is not a callback of this app client';
    if (get('response_type') !== 'code') return 'response_type must be code';
    if (!get('code_challenge') || get('code_challenge_method') !== 'S256') return 'PKCE is required: send code_challenge with code_challenge_method=S256';
    return undefined;
  }

  const AUTH_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'state', 'scope', 'code_challenge', 'code_challenge_method', 'nonce'];

  function authorize(q: URLSearchParams, res: ServerResponse): void {
    const problem = requestProblem(q);
    if (problem) return sendHtml(res, 400, problem);
    const params = Object.fromEntries(AUTH_PARAMS.filter((k) => q.has(k)).map((k) => [k, q.get(k)!]));
    sendHtml(res, 200, loginPage(params));
  }

  async function login(form: URLSearchParams, res: ServerResponse): Promise<void> {
    let params = Object.fromEntries(AUTH_PARAMS.filter((k) => form.has(k)).map((k) => [k, form.get(k)!]));
    let user: PoolUser;
    const sessionId = form.get('session');
    if (sessionId) {
      const s = sessions.get(sessionId);
      sessions.delete(sessionId);
      if (!s || s.expiresAt < Date.now()) return sendHtml(res, 400, loginPage(s?.params ?? params, { error: 'That took too long; sign in again.' }));
      params = s.params;
      try {
        await pool.setPassword(s.email, form.get('newPassword') ?? '');
      } catch (e) {
        if (!(e instanceof PoolError)) throw e;
        const again = randomBytes(24).toString('base64url');
        sessions.set(again, { ...s, expiresAt: Date.now() + 3 * 60_000 });
        return sendHtml(res, 400, loginPage({ ...params, session: again }, { error: e.message, newPassword: true }));
      }
      user = pool.get(s.email);
    } else {
      const problem = requestProblem(params);
      if (problem) return sendHtml(res, 400, problem);
      try {
        const r = await pool.signIn(form.get('email') ?? '', form.get('password') ?? '');
        if ('challenge' in r) {
          const id = randomBytes(24).toString('base64url');
          sessions.set(id, { email: r.user.email, params, expiresAt: Date.now() + 3 * 60_000 });
          return sendHtml(res, 200, loginPage({ ...params, session: id }, { newPassword: true }));
        }
        user = r.user;
      } catch (e) {
        if (!(e instanceof PoolError)) throw e;
        return sendHtml(res, 401, loginPage(params, { error: e.message }));
      }
    }
    const code = randomBytes(32).toString('base64url');
    const scope = (params.scope ?? 'openid').split(/\s+/).filter((s) => SCOPES.includes(s)).join(' ') || 'openid';
    codes.set(code, { sub: user.sub, clientId: params.client_id!, redirectUri: params.redirect_uri!, challenge: params.code_challenge!, scope, nonce: params.nonce, authTime: Math.floor(Date.now() / 1000), expiresAt: Date.now() + CODE_MS });
    const to = new URL(params.redirect_uri!);
    to.searchParams.set('code', code);
    if (params.state) to.searchParams.set('state', params.state);
    redirect(res, to.toString());
  }

  async function token(form: URLSearchParams, res: ServerResponse): Promise<void> {
    const fail = (error: string, description: string) => sendJson(res, 400, { error, error_description: description });
    if (form.get('client_id') !== opts.clientId) return fail('invalid_client', 'unknown client_id');
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code); // a code is good for one exchange, whatever its outcome
      if (!pending || pending.expiresAt < Date.now()) return fail('invalid_grant', 'the code is unknown, used or expired');
      if (pending.clientId !== form.get('client_id') || pending.redirectUri !== form.get('redirect_uri')) return fail('invalid_grant', 'client_id or redirect_uri differ from the authorization request');
      if (b64sha256(form.get('code_verifier') ?? '') !== pending.challenge) return fail('invalid_grant', 'code_verifier does not match the code_challenge');
      const user = pool.find(pending.sub);
      if (!user?.enabled) return fail('invalid_grant', 'User is disabled.');
      return sendJson(res, 200, await tokensFor(user, pending.clientId, pending.scope, pending.authTime, pending.nonce));
    }
    if (grant === 'refresh_token') {
      try {
        const { user, refreshToken } = pool.rotateRefreshToken(form.get('refresh_token') ?? '');
        return sendJson(res, 200, await tokensFor(user, opts.clientId, 'openid email profile', Math.floor(Date.now() / 1000), undefined, refreshToken));
      } catch (e) {
        if (e instanceof PoolError) return fail('invalid_grant', e.message);
        throw e;
      }
    }
    fail('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  return {
    issuer,
    url: base,
    port,
    pool,
    signer: sign,
    async passwordGrant(email, password, newPassword) {
      const r = await pool.signIn(email, password, newPassword);
      if ('challenge' in r) throw new PoolError('NewPasswordRequired', 'first sign-in: send "newPassword" with the temporary password to set your own password');
      return tokensFor(r.user, opts.clientId, 'aws.cognito.signin.user.admin', Math.floor(Date.now() / 1000));
    },
    stop: () => close(server),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) req.destroy(new Error('body over 1 MiB'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
  res.end(html.startsWith('<!doctype') ? html : `<!doctype html><title>Sign-in error</title><p role="alert">${html.replace(/</g, '&lt;')}</p>`);
}

function redirect(res: ServerResponse, to: string): void {
  res.writeHead(302, { location: to, 'cache-control': 'no-store' });
  res.end();
}
