import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { jwtAuthorizer } from '../../shared/auth/access-token';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test';
const CLIENT = 'console-client';
let key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let check: ReturnType<typeof jwtAuthorizer>;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] });
  check = jwtAuthorizer({ issuer: ISSUER, audience: [CLIENT], keys: jwks });
});

const token = (claims: Record<string, unknown>, opts: { issuer?: string; exp?: number; signer?: typeof key } = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'u-1', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(opts.issuer ?? ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(opts.exp ?? now + 3600)
    .sign(opts.signer ?? key);
};

describe("the JWT authorizer's checks", () => {
  it("accepts the pool's access token (client_id) and ID token (aud) for the app client", async () => {
    expect(await check(await token({ token_use: 'access', client_id: CLIENT }))).toMatchObject({ ok: true, claims: { sub: 'u-1' } });
    expect(await check(await token({ token_use: 'id', aud: CLIENT }))).toMatchObject({ ok: true });
  });

  it('refuses another app client, another issuer, an expired token and another key', async () => {
    expect(await check(await token({ client_id: 'someone-else' }))).toEqual({ ok: false, reason: 'the token is for another app client' });
    expect((await check(await token({ client_id: CLIENT }, { issuer: 'https://evil.example' }))).ok).toBe(false);
    expect(await check(await token({ client_id: CLIENT }, { exp: Math.floor(Date.now() / 1000) - 10 }))).toEqual({ ok: false, reason: 'the token has expired' });
    const other = (await generateKeyPair('RS256')).privateKey;
    expect(await check(await token({ client_id: CLIENT }, { signer: other }))).toEqual({ ok: false, reason: 'the token is not signed by the issuer' });
    expect((await check('not.a.jwt')).ok).toBe(false);
  });
});
