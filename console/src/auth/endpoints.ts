import type { AppConfig } from '../config';

export interface AuthEndpoints {
  authorization: string;
  token: string;
  /** Where signing out ends the issuer's own session (Cognito's /logout). */
  logout?: string;
}

let cached: AuthEndpoints | undefined;

/**
 * The issuer's endpoints: from its discovery document when the console knows an issuer, or the
 * fixed paths of Cognito's managed login under its domain
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html).
 */
export async function authEndpoints(auth: AppConfig['auth'], fetcher: typeof fetch = fetch): Promise<AuthEndpoints> {
  if (cached) return cached;
  if (auth.domain) {
    const d = auth.domain.replace(/\/+$/, '');
    cached = { authorization: `${d}/oauth2/authorize`, token: `${d}/oauth2/token`, logout: `${d}/logout` };
    return cached;
  }
  const issuer = auth.issuer!.replace(/\/+$/, '');
  const res = await fetcher(`${issuer}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`the sign-in service's discovery document answered ${res.status}`);
  const doc = (await res.json()) as { authorization_endpoint?: string; token_endpoint?: string; end_session_endpoint?: string };
  if (!doc.authorization_endpoint || !doc.token_endpoint) throw new Error('the sign-in service names no authorization or token endpoint');
  cached = { authorization: doc.authorization_endpoint, token: doc.token_endpoint, logout: doc.end_session_endpoint };
  return cached;
}
