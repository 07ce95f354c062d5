import { appConfig } from '../config';
import { authEndpoints } from './endpoints';
import { challengeOf, randomString } from './pkce';
import { readTokens, tokenSetFrom, writeTokens, type TokenSet } from './tokens';

/** What the authorization request left behind for the callback: verifier, state, and where the person was going. */
interface PendingSignIn {
  verifier: string;
  state: string;
  returnTo: string;
}
const PENDING_KEY = 'recoup.sign-in';

/**
 * The callback is the console's own root, `<origin>/`, exactly as the app client lists it
 * (the local issuer and Cognito both require an exact match).
 */
export const redirectUri = (): string => `${window.location.origin}/`;

/** Authorization code with PKCE: off to the issuer's sign-in page. */
export async function beginSignIn(returnTo = window.location.pathname + window.location.search): Promise<void> {
  const { auth } = appConfig();
  const ep = await authEndpoints(auth);
  const pending: PendingSignIn = { verifier: randomString(48), state: randomString(16), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(ep.authorization);
  url.search = new URLSearchParams({
    client_id: auth.clientId,
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

export class SignInError extends Error {}

/**
 * The exchange of each callback, by its query string: the pending verifier is consumed and the
 * code is good for one exchange only, so a second run of the page's start (React's StrictMode
 * mounts twice, a re-render) must share the first run's exchange instead of starting its own,
 * which would find no verifier and call a fresh sign-in stale.
 */
const exchanges = new Map<string, Promise<string>>();

/** Back from the issuer with `?code=&state=`: exchanges the code once, and answers where to go next. */
export function completeSignIn(params: URLSearchParams): Promise<string> {
  const key = params.toString();
  let exchange = exchanges.get(key);
  if (!exchange) {
    exchange = exchangeCode(params);
    exchanges.set(key, exchange);
  }
  return exchange;
}

async function exchangeCode(params: URLSearchParams): Promise<string> {
  const error = params.get('error');
  if (error) throw new SignInError(`Sign-in failed: ${params.get('error_description') ?? error}`);
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = raw ? (JSON.parse(raw) as PendingSignIn) : undefined;
  if (!pending || pending.state !== params.get('state')) throw new SignInError('This sign-in link is stale or was not started here: sign in again.');
  const tokens = await tokenRequest({ grant_type: 'authorization_code', code: params.get('code') ?? '', redirect_uri: redirectUri(), code_verifier: pending.verifier });
  writeTokens(tokens);
  return pending.returnTo && pending.returnTo.startsWith('/') && !pending.returnTo.startsWith('//') ? pending.returnTo : '/';
}

let refreshing: Promise<TokenSet | undefined> | undefined;

/** Trades the refresh token for new tokens (once at a time); no tokens when the issuer refuses. */
export function refreshTokens(): Promise<TokenSet | undefined> {
  refreshing ??= (async () => {
    const old = readTokens();
    if (!old?.refreshToken) return undefined;
    try {
      const t = await tokenRequest({ grant_type: 'refresh_token', refresh_token: old.refreshToken }, old);
      writeTokens(t);
      return t;
    } catch {
      writeTokens(undefined);
      return undefined;
    }
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

/** An access token good for at least another 30 seconds, refreshed when it is about to expire. */
export async function validAccessToken(): Promise<string | undefined> {
  const t = readTokens();
  if (!t) return undefined;
  if (t.expiresAt - Date.now() > 30_000) return t.accessToken;
  return (await refreshTokens())?.accessToken;
}

/** Forgets the tokens here and ends the issuer's session, coming back to the console's root. */
export async function signOut(): Promise<void> {
  writeTokens(undefined);
  const { auth } = appConfig();
  const ep = await authEndpoints(auth).catch(() => undefined);
  if (!ep?.logout) return window.location.assign('/');
  const url = new URL(ep.logout);
  url.search = new URLSearchParams({ client_id: auth.clientId, logout_uri: redirectUri() }).toString();
  window.location.assign(url.toString());
}

async function tokenRequest(form: Record<string, string>, previous?: TokenSet): Promise<TokenSet> {
  const { auth } = appConfig();
  const ep = await authEndpoints(auth);
  const res = await fetch(ep.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: auth.clientId, ...form }).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string; error_description?: string; access_token?: string; id_token?: string; refresh_token?: string; expires_in?: number };
  if (!res.ok || !body.access_token || !body.id_token || typeof body.expires_in !== 'number') {
    throw new SignInError(`Sign-in failed: ${body.error_description ?? body.error ?? `the token endpoint answered ${res.status}`}`);
  }
  return tokenSetFrom({ access_token: body.access_token, id_token: body.id_token, refresh_token: body.refresh_token, expires_in: body.expires_in }, previous);
}
