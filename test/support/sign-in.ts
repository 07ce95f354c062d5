import type { LocalStack } from '../../infra/local/stack';
import type { Role } from '../../shared/auth/roles';
import { apiClient, type ApiClient } from './local-stack';

export interface SignedIn {
  userId: string;
  email: string;
  password: string;
  tokens: { access_token: string; id_token: string; refresh_token: string; expires_in: number };
  api: ApiClient;
}

/** POST /local/auth/token, as a script signs in. */
export async function signIn(stack: Pick<LocalStack, 'urls'>, body: { email: string; password: string; newPassword?: string }): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.urls.api}/local/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** The temporary password of the newest invitation mailed to `email` (SES local's store). */
export async function temporaryPasswordOf(stack: Pick<LocalStack, 'urls'>, email: string): Promise<string> {
  const store = (await (await fetch(`${stack.urls.ses}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[] };
  const mail = store.emails.filter((m) => m.destination.to.includes(email) && /temporary password/i.test(m.subject)).at(-1);
  const m = mail?.body.text && /temporary password is (\S+)/.exec(mail.body.text);
  if (!m) throw new Error(`no invitation mailed to ${email}`);
  return m[1]!;
}

/** Invites a user as `admin` would (POST /users), then signs in with the mailed temporary password, setting a new one. */
export async function inviteAndSignIn(stack: Pick<LocalStack, 'urls'>, admin: ApiClient, user: { email: string; name: string; role: Role; clientId?: string }): Promise<SignedIn> {
  const made = await admin.post('/users', user);
  if (made.status !== 201) throw new Error(`POST /users answered ${made.status}: ${JSON.stringify(made.body)}`);
  const password = `${user.role}-password-1`;
  const r = await signIn(stack, { email: user.email, password: await temporaryPasswordOf(stack, user.email), newPassword: password });
  if (r.status !== 200) throw new Error(`first sign-in answered ${r.status}: ${JSON.stringify(r.body)}`);
  return { userId: made.body.userId, email: user.email, password, tokens: r.body, api: apiClient(stack.urls.api, r.body.access_token) };
}
