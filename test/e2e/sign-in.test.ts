import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigner } from '../../infra/local/auth/signing';
import { apiClient, startTestStack } from '../support/local-stack';
import { inviteAndSignIn, signIn, temporaryPasswordOf } from '../support/sign-in';
import { setUpClient, uploadCases } from '../support/workflows';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let adminToken = '';
beforeAll(async () => {
  stack = await startTestStack();
  adminToken = (await signIn(stack, { email: stack.admin.email, password: stack.admin.password })).body.access_token;
});
afterAll(async () => {
  await stack?.stop();
});

describe('the agency admin of an empty data folder', () => {
  it('signs in with the contract defaults and is an agency admin', async () => {
    expect(stack.admin).toEqual({ email: 'admin@recoup.local', password: 'local-admin-password', created: true });
    const r = await signIn(stack, { email: 'admin@recoup.local', password: 'local-admin-password' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ access_token: expect.any(String), id_token: expect.any(String), refresh_token: expect.any(String), expires_in: 3600, token_type: 'Bearer' });
    const me = await apiClient(stack.urls.api, r.body.access_token).get('/me');
    expect(me.body).toMatchObject({ kind: 'user', email: 'admin@recoup.local', role: 'agency_admin' });
  });

  it('the discovery document and the keys are where an OpenID Connect client looks for them', async () => {
    const d = (await (await fetch(stack.signIn.discovery)).json()) as any;
    expect(d).toMatchObject({ issuer: stack.signIn.issuer, code_challenge_methods_supported: ['S256'], grant_types_supported: ['authorization_code', 'refresh_token'] });
    const jwks = (await (await fetch(d.jwks_uri)).json()) as any;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined(); // the public half only
  });
});

describe('invitations', () => {
  it('a new user gets a temporary password by mail; the first sign-in must set a new one; the caller is on the case timeline', async () => {
    const admin = apiClient(stack.urls.api, adminToken);
    const clientId = (await setUpClient(stack.api, { companyInfo: { name: 'Northwind Water' } })).clientId;
    const caseId = (await uploadCases(stack.api, stack.urls.s3, clientId, [{ ref: 'N1', name: 'Nia North', email: 'nia@example.com', amount: '90.00' }])).N1.caseId;
    const made = await admin.post('/users', { email: 'Olivia@Northwind.example', name: 'Olivia', role: 'client_operational_lead', clientId });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ email: 'olivia@northwind.example', role: 'client_operational_lead', clientId, disabled: false, createdBy: 'admin@recoup.local' });
    const temporary = await temporaryPasswordOf(stack, 'olivia@northwind.example');

    const first = await signIn(stack, { email: 'olivia@northwind.example', password: temporary });
    expect(first.status).toBe(400);
    expect(first.body.error.code).toBe('new_password_required');
    const set = await signIn(stack, { email: 'olivia@northwind.example', password: temporary, newPassword: 'olivia-chose-this' });
    expect(set.status).toBe(200);
    expect((await signIn(stack, { email: 'olivia@northwind.example', password: temporary })).status).toBe(401);

    const olivia = apiClient(stack.urls.api, set.body.access_token);
    expect((await olivia.post(`/cases/${caseId}/hold`, { reason: 'dispute' })).status).toBe(200);
    const timeline = (await olivia.get(`/cases/${caseId}/timeline`)).body.items;
    expect(timeline.find((e: any) => e.type === 'hold_started')).toMatchObject({ by: 'olivia@northwind.example' });
    expect((await stack.api.post(`/cases/${caseId}/release`, {})).status).toBe(200);
    const released = (await stack.api.get(`/cases/${caseId}/timeline`)).body.items.find((e: any) => e.type === 'hold_released');
    expect(released.by).toBe('admin token');
  });

  it('an email already invited is a 409, a client role needs its client, an unknown field is a 400', async () => {
    const admin = apiClient(stack.urls.api, adminToken);
    expect((await admin.post('/users', { email: 'admin@recoup.local', name: 'Again', role: 'agency_operator' })).status).toBe(409);
    const noClient = await admin.post('/users', { email: 'x@y.example', name: 'X', role: 'client_viewer' });
    expect(noClient.status).toBe(400);
    expect(noClient.body.error.details).toContainEqual(expect.objectContaining({ field: 'clientId' }));
    const unknown = await admin.post('/users', { email: 'z@y.example', name: 'Z', role: 'agency_operator', permissions: [] });
    expect(unknown.status).toBe(400);
  });
});

describe('tokens the API refuses (401)', () => {
  it('a token signed by another key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'x', token_use: 'access', client_id: stack.signIn.clientId })
      .setProtectedHeader({ alg: 'RS256', kid: ((await (await fetch(`${stack.signIn.issuer}/.well-known/jwks.json`)).json()) as any).keys[0].kid })
      .setIssuer(stack.signIn.issuer)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const r = await apiClient(stack.urls.api, forged).get('/me');
    expect(r).toEqual({ status: 401, body: { message: 'Unauthorized' } });
  });

  it('an expired token, signed by the issuer itself', async () => {
    const twoHoursAgo = () => Date.now() - 2 * 3600_000;
    const signer = await loadSigner(join(stack.dataDir, 'auth', 'signing-key.json'), stack.signIn.issuer, twoHoursAgo);
    const sub = (await apiClient(stack.urls.api, adminToken).get('/me')).body.userId;
    const { access_token } = await signer.tokensFor({ sub, email: 'admin@recoup.local', name: 'A', groups: [] } as never, { clientId: stack.signIn.clientId, scope: 'openid', authTime: 0 });
    const res = await fetch(`${stack.urls.api}/me`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/expired/);
  });

  it("a disabled user's token, at once; the user can no longer sign in or refresh; the history keeps the user", async () => {
    const admin = apiClient(stack.urls.api, adminToken);
    const vera = await inviteAndSignIn(stack, admin, { email: 'vera@agency.example', name: 'Vera', role: 'agency_operator' });
    expect((await vera.api.get('/clients')).status).toBe(200);
    const disabled = await admin.call('DELETE', `/users/${vera.userId}`);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ disabled: true, disabledAt: expect.any(String) });
    const after = await vera.api.get('/clients');
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/disabled/);
    expect((await signIn(stack, { email: vera.email, password: vera.password })).status).toBe(401);
    const refresh = await fetch(`${stack.urls.auth}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: stack.signIn.clientId, refresh_token: vera.tokens.refresh_token }) });
    expect(refresh.status).toBe(400);
    expect((await admin.get(`/users/${vera.userId}`)).body).toMatchObject({ email: 'vera@agency.example', disabled: true });
    // An admin cannot lock themself out.
    const me = (await admin.get('/me')).body.userId;
    expect((await admin.patch(`/users/${me}`, { disabled: true })).status).toBe(409);
  });

  it('five wrong passwords lock the account (the right one is refused too)', async () => {
    const admin = apiClient(stack.urls.api, adminToken);
    const lee = await inviteAndSignIn(stack, admin, { email: 'lee@agency.example', name: 'Lee', role: 'agency_operator' });
    for (let i = 0; i < 5; i++) expect((await signIn(stack, { email: lee.email, password: `guess-${i}-wrong` })).status).toBe(401);
    const locked = await signIn(stack, { email: lee.email, password: lee.password });
    expect(locked.status).toBe(401);
    expect(locked.body.error.message).toMatch(/locked for 15 minutes/);
  });
});

describe('the console sign-in: authorization code with PKCE, refresh rotated', () => {
  const redirectUri = () => `${stack.signIn.consoleOrigin}/`;
  async function code(verifier: string): Promise<string> {
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const q = new URLSearchParams({ response_type: 'code', client_id: stack.signIn.clientId, redirect_uri: redirectUri(), scope: 'openid email', state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await fetch(`${stack.urls.auth}/oauth2/authorize?${q}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<label for="email">Email<\/label>/);
    expect(html).toMatch(/<label for="password">Password<\/label>/);
    expect(html).toMatch(/<button type="submit">Sign in<\/button>/);
    const form = new URLSearchParams(Object.fromEntries(q));
    form.set('email', stack.admin.email);
    form.set('password', stack.admin.password);
    const res = await fetch(`${stack.urls.auth}/login`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(redirectUri());
    expect(to.searchParams.get('state')).toBe('st-1');
    return to.searchParams.get('code')!;
  }
  const exchange = (body: Record<string, string>) => fetch(`${stack.urls.auth}/oauth2/token`, { method: 'POST', headers: { origin: stack.signIn.consoleOrigin }, body: new URLSearchParams({ client_id: stack.signIn.clientId, ...body }) });

  it('the code is exchanged only with its verifier, once; the tokens work; a refresh answers a new refresh token and the old one is spent', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const c = await code(verifier);
    expect((await exchange({ grant_type: 'authorization_code', code: c, redirect_uri: redirectUri(), code_verifier: 'not-the-verifier' })).status).toBe(400);
    const c2 = await code(verifier);
    const ok = await exchange({ grant_type: 'authorization_code', code: c2, redirect_uri: redirectUri(), code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(stack.signIn.consoleOrigin);
    const tokens = (await ok.json()) as any;
    expect((await exchange({ grant_type: 'authorization_code', code: c2, redirect_uri: redirectUri(), code_verifier: verifier })).status).toBe(400);
    expect((await apiClient(stack.urls.api, tokens.access_token).get('/me')).body.role).toBe('agency_admin');

    const refreshed = (await (await exchange({ grant_type: "refresh_token", refresh_token: tokens.refresh_token })).json()) as any;
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await apiClient(stack.urls.api, refreshed.access_token).get('/me')).status).toBe(200);
    expect((await exchange({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(400);
  });

  it('an authorization request without PKCE, or to a callback that is not the console, is refused', async () => {
    const base = { response_type: 'code', client_id: stack.signIn.clientId, redirect_uri: redirectUri() };
    expect((await fetch(`${stack.urls.auth}/oauth2/authorize?${new URLSearchParams(base)}`)).status).toBe(400);
    for (const redirect_uri of ['http://evil.example/', `${stack.signIn.consoleOrigin}/elsewhere`]) {
      const q = new URLSearchParams({ ...base, redirect_uri, code_challenge: 'x', code_challenge_method: 'S256' });
      expect((await fetch(`${stack.urls.auth}/oauth2/authorize?${q}`)).status, redirect_uri).toBe(400);
    }
  });
});

describe('CORS', () => {
  const preflight = (origin: string) => fetch(`${stack.urls.api}/clients`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });

  it("allows the console's origin and no other", async () => {
    const ok = await preflight(stack.signIn.consoleOrigin);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3001');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${stack.urls.api}/me`, { headers: { origin: 'http://evil.example', authorization: `Bearer ${adminToken}` } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    const fromConsole = await fetch(`${stack.urls.api}/me`, { headers: { origin: stack.signIn.consoleOrigin, authorization: `Bearer ${adminToken}` } });
    expect(fromConsole.headers.get('access-control-allow-origin')).toBe(stack.signIn.consoleOrigin);
  });
});

describe('the local routes', () => {
  it('answer to a signed-in agency admin as to the admin token, not to other roles', async () => {
    const local = (token: string) => fetch(`${stack.urls.api}/local/clock`, { headers: { authorization: `Bearer ${token}` } });
    expect((await local(adminToken)).status).toBe(200);
    expect((await local(stack.adminToken)).status).toBe(200);
    const oscar = await inviteAndSignIn(stack, apiClient(stack.urls.api, adminToken), { email: 'oscar@agency.example', name: 'Oscar', role: 'agency_operator' });
    expect((await local(oscar.tokens.access_token)).status).toBe(403);
    expect((await local('a.b.c')).status).toBe(401);
  });
});
