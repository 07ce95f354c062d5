/**
 * The signed-in person's tokens: in memory, mirrored to sessionStorage so a reload of the tab
 * keeps the session while a new tab or a closed browser does not.
 */
export interface TokenSet {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number;
}

const KEY = 'recoup.tokens';
let current: TokenSet | undefined;
const listeners = new Set<(t: TokenSet | undefined) => void>();

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

export function readTokens(): TokenSet | undefined {
  if (current) return current;
  const raw = storage()?.getItem(KEY);
  if (!raw) return undefined;
  try {
    const t = JSON.parse(raw) as TokenSet;
    if (typeof t.accessToken === 'string' && typeof t.expiresAt === 'number') current = t;
  } catch {
    storage()?.removeItem(KEY);
  }
  return current;
}

export function writeTokens(t: TokenSet | undefined): void {
  current = t;
  if (t) storage()?.setItem(KEY, JSON.stringify(t));
  else storage()?.removeItem(KEY);
  for (const l of listeners) l(t);
}

export function onTokensChange(listener: (t: TokenSet | undefined) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The token endpoint's answer as a TokenSet (a refresh answer may omit the refresh token: keep the old one). */
export function tokenSetFrom(body: { access_token: string; id_token: string; refresh_token?: string; expires_in: number }, previous?: TokenSet, now = Date.now()): TokenSet {
  return { accessToken: body.access_token, idToken: body.id_token, refreshToken: body.refresh_token ?? previous?.refreshToken, expiresAt: now + body.expires_in * 1000 };
}
