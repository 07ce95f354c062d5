import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { PoolUser } from './user-pool';

/** Access and ID tokens last an hour, as Cognito's do by default. */
export const TOKEN_SECONDS = 3600;

export interface Signer {
  jwks: { keys: JWK[] };
  tokensFor(user: PoolUser, opts: { clientId: string; scope: string; nonce?: string; authTime: number }): Promise<{ access_token: string; id_token: string; expires_in: number; token_type: 'Bearer' }>;
}

/**
 * The issuer's RS256 key, made once per data folder and kept there (tokens survive a restart), and
 * tokens shaped like Cognito's: the access token carries `client_id`, `token_use: access`,
 * `scope`, `username` and `cognito:groups`; the ID token `aud`, `token_use: id`, `email`, `name`.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 */
export async function loadSigner(file: string, issuer: string, now: () => number = Date.now): Promise<Signer> {
  let jwk: JWK;
  if (existsSync(file)) jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  else {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  }
  const key = await importJWK(jwk, 'RS256');
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  const kid = jwk.kid!;

  return {
    jwks: { keys: [publicJwk] },
    async tokensFor(user, { clientId, scope, nonce, authTime }) {
      const iat = Math.floor(now() / 1000);
      const originJti = randomUUID();
      const common = { sub: user.sub, 'cognito:groups': user.groups, origin_jti: originJti, event_id: randomUUID(), auth_time: authTime };
      const sign = (claims: Record<string, unknown>) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(issuer).setIssuedAt(iat).setExpirationTime(iat + TOKEN_SECONDS).setJti(randomUUID()).sign(key);
      const access_token = await sign({ ...common, token_use: 'access', client_id: clientId, scope, username: user.sub, version: 2 });
      const id_token = await sign({ ...common, token_use: 'id', aud: clientId, 'cognito:username': user.sub, email: user.email, email_verified: true, name: user.name, ...(nonce ? { nonce } : {}) });
      return { access_token, id_token, expires_in: TOKEN_SECONDS, token_type: 'Bearer' };
    },
  };
}
