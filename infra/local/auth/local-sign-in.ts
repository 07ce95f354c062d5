import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { nowIso } from '../../../shared/adapters/clock';
import { users } from '../../../shared/adapters/dynamo/users';
import type { LocalRoute } from '../api-server';
import type { InvitationMailer } from './cognito-api';
import type { LocalIssuer } from './issuer';
import { PoolError } from './user-pool';

/** The invitation Cognito mails (its default wording), here through SES local, where it can be read. */
export function sesInvitationMailer(sesEndpoint: string, signInUrl: string): InvitationMailer {
  // Mail waits its turn under SES's sending rate (the invitations of several users made at once).
  const ses = new SESv2Client({ endpoint: sesEndpoint, maxAttempts: 10 });
  return async (to, name, temporaryPassword) => {
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'no-reply@recoup.local',
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: 'Your temporary password for Recoup' },
            Body: {
              Text: {
                Data: `Hello ${name},\n\nYou have been invited to Recoup. Your username is ${to} and temporary password is ${temporaryPassword}\n\nSign in at ${signInUrl} within 7 days; the first sign-in asks you to choose your own password.\n`,
              },
            },
          },
        },
      }),
    );
  };
}

/**
 * The agency admin an empty data folder starts with, in the user pool and in the users table
 * (the table part is written again if the table was emptied while the pool was kept).
 */
export async function ensureAgencyAdmin(issuer: LocalIssuer, email: string, password: string): Promise<{ created: boolean }> {
  let created = false;
  if (issuer.pool.size === 0) {
    const { user } = await issuer.pool.create(email, 'Agency admin');
    await issuer.pool.setPassword(user.sub, password);
    issuer.pool.update(user.sub, (u) => void (u.groups = ['agency_admin']));
    created = true;
  }
  const admin = issuer.pool.find(email);
  if (admin && !(await users.find(admin.sub))) {
    const at = nowIso();
    await users.create({ userId: admin.sub, email: admin.email, name: admin.name, role: 'agency_admin', disabled: false, createdBy: 'npm start (first start)', version: 1, createdAt: at, updatedAt: at });
  }
  return { created };
}

/**
 * `POST /local/auth/token` `{ email, password, newPassword? }` -> `{ access_token, id_token,
 * refresh_token, expires_in }`: a password sign-in for scripts and curl (public: it is how a
 * token is got). A first sign-in on the invitation's temporary password must set `newPassword`.
 */
export function localTokenRoute(issuer: LocalIssuer): LocalRoute {
  return async (body) => {
    const b = (body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(b).filter((k) => !['email', 'password', 'newPassword'].includes(k));
    const missing = ['email', 'password'].filter((k) => typeof b[k] !== 'string' || !b[k]);
    if (unknown.length || missing.length || (b.newPassword !== undefined && typeof b.newPassword !== 'string')) {
      return {
        status: 400,
        body: { error: { code: 'validation_failed', message: 'send { "email", "password" } (and "newPassword" on a first sign-in)', details: [...missing.map((f) => ({ field: f, message: 'is required' })), ...unknown.map((f) => ({ field: f, message: 'is not a field of this body' }))] } },
      };
    }
    try {
      return { status: 200, body: await issuer.passwordGrant(b.email as string, b.password as string, b.newPassword as string | undefined) };
    } catch (e) {
      if (!(e instanceof PoolError)) throw e;
      if (e.type === 'NewPasswordRequired') return { status: 400, body: { error: { code: 'new_password_required', message: e.message, details: [{ field: 'newPassword', message: 'is required on the first sign-in' }] } } };
      if (e.type === 'InvalidPasswordException') return { status: 400, body: { error: { code: 'invalid_password', message: e.message, details: [{ field: 'newPassword', message: e.message }] } } };
      return { status: 401, body: { error: { code: 'not_authorized', message: e.message, details: [] } } };
    }
  };
}
