import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../infra/api-routes';
import { apiClient, startTestStack, type ApiClient } from '../support/local-stack';
import { inviteAndSignIn, signIn } from '../support/sign-in';
import { setUpClient, uploadCases } from '../support/workflows';

/**
 * Every route x every caller, against the running local stack: allowed (anything but 401/403),
 * 403 (a route the role may not use) or 404 (another client's data). The expectations are the
 * contract's words, written here independently of shared/auth/route-access.ts, so loosening a
 * rule there fails this test.
 */
type Who = 'agency_admin' | 'agency_operator' | 'client_operational_lead' | 'client_commercial_lead' | 'client_viewer' | 'client_api_key' | 'admin_token';
const EVERYONE: Who[] = ['agency_admin', 'agency_operator', 'client_operational_lead', 'client_commercial_lead', 'client_viewer', 'client_api_key', 'admin_token'];
const CLIENT_SCOPED: Who[] = ['client_operational_lead', 'client_commercial_lead', 'client_viewer', 'client_api_key'];

/** What the contract says each kind of route is open to. */
const OPEN_TO = {
  /** agency_admin: everything, users included. */
  users: ['agency_admin', 'admin_token'],
  /** Agency work: every client's set-up, keys and business entities. */
  agency: ['agency_admin', 'agency_operator', 'admin_token'],
  /** Reading a client's cases and imports: everyone, each within its client. */
  read: EVERYONE,
  /** Uploads: the agency, the client's operational lead and the client's system. */
  upload: ['agency_admin', 'agency_operator', 'client_operational_lead', 'client_api_key', 'admin_token'],
  /** Actions on cases: the agency and the client's operational lead (not the commercial lead, not the viewer). */
  act: ['agency_admin', 'agency_operator', 'client_operational_lead', 'admin_token'],
  /** Payments: the case actors and the client's system reporting what it received. */
  pay: ['agency_admin', 'agency_operator', 'client_operational_lead', 'client_api_key', 'admin_token'],
  /** A client's tickets: the agency and the client's operational lead. */
  tickets: ['agency_admin', 'agency_operator', 'client_operational_lead', 'admin_token'],
  /** Who am I: anyone with a credential. */
  me: EVERYONE,
} satisfies Record<string, Who[]>;

const KIND: Record<string, keyof typeof OPEN_TO | 'public'> = {
  'GET /health': 'public',
  'GET /openapi.json': 'public',
  'GET /docs': 'public',
  'POST /business-entities': 'agency',
  'GET /business-entities': 'agency',
  'GET /business-entities/{id}': 'agency',
  'PATCH /business-entities/{id}': 'agency',
  'POST /clients': 'agency',
  'GET /clients': 'agency',
  'GET /clients/{clientId}': 'read',
  'PATCH /clients/{clientId}': 'agency',
  'POST /clients/{clientId}/api-keys': 'agency',
  'GET /clients/{clientId}/api-keys': 'agency',
  'DELETE /clients/{clientId}/api-keys/{keyId}': 'agency',
  'POST /clients/{clientId}/imports': 'upload',
  'GET /clients/{clientId}/imports': 'read',
  'GET /imports/{importId}': 'read',
  'GET /imports/{importId}/report': 'read',
  'GET /clients/{clientId}/cases': 'read',
  'GET /clients/{clientId}/invoices': 'read',
  'GET /clients/{clientId}/communications': 'read',
  'GET /clients/{clientId}/tickets': 'tickets',
  'GET /tickets': 'agency',
  'PATCH /tickets/{ticketId}': 'tickets',
  'GET /cases/{caseId}': 'read',
  'PATCH /cases/{caseId}': 'act',
  'GET /cases/{caseId}/communications': 'read',
  'GET /cases/{caseId}/timeline': 'read',
  'POST /cases/{caseId}/payments': 'pay',
  'POST /cases/{caseId}/payment-plan': 'act',
  'POST /cases/{caseId}/hold': 'act',
  'POST /cases/{caseId}/release': 'act',
  'POST /cases/{caseId}/settle': 'act',
  'POST /cases/{caseId}/close': 'act',
  'POST /cases/{caseId}/contact-preferences': 'act',
  'GET /clients/{clientId}/results': 'read',
  'GET /operations': 'agency',
  'GET /me': 'me',
  'POST /users': 'users',
  'GET /users': 'users',
  'GET /users/{userId}': 'users',
  'PATCH /users/{userId}': 'users',
  'DELETE /users/{userId}': 'users',
};

let stack: Awaited<ReturnType<typeof startTestStack>>;
const callers = {} as Record<Who, ApiClient>;
/** Path values: the signed-in client's own (a) and another client's (b). */
const own: Record<string, string> = {};
const other: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack();
  const { api } = stack;
  const a = (await setUpClient(api, { companyInfo: { name: 'Northwind Water' } })).clientId;
  const b = (await setUpClient(api, { companyInfo: { name: 'Southgate Power' } })).clientId;
  const caseA = (await uploadCases(api, stack.urls.s3, a, [{ ref: 'A1', name: 'Ann Able', email: 'ann@example.com', amount: '100.00' }])).A1.caseId;
  const caseB = (await uploadCases(api, stack.urls.s3, b, [{ ref: 'B1', name: 'Ben Baker', email: 'ben@example.com', amount: '200.00' }])).B1.caseId;
  // A ticket of each client: the on-hold workflow's ticket node opens one when a case is held.
  for (const c of [caseA, caseB]) await api.post(`/cases/${c}/hold`, { reason: 'dispute' });
  await api.post('/local/clock/advance', { days: 1 });
  const ticketA = (await api.get(`/clients/${a}/tickets`)).body.items[0]?.ticketId;
  const ticketB = (await api.get(`/clients/${b}/tickets`)).body.items[0]?.ticketId;
  if (!ticketA || !ticketB) throw new Error('the held cases opened no tickets');
  const importA = (await api.get(`/clients/${a}/imports`)).body.items[0].importId;
  const importB = (await api.get(`/clients/${b}/imports`)).body.items[0].importId;
  const entity = (await api.get(`/clients/${a}`)).body.settings.businessEntityId ?? 'no-entity';
  const key = (await api.post(`/clients/${a}/api-keys`, { label: 'Northwind billing' })).body;
  // Revoking is what DELETE does: a key of its own, not the one calling.
  const doomedKey = (await api.post(`/clients/${a}/api-keys`, {})).body.keyId;
  const doomedKeyB = (await api.post(`/clients/${b}/api-keys`, {})).body.keyId;

  const admin = await signIn(stack, { email: stack.admin.email, password: stack.admin.password });
  callers.agency_admin = apiClient(stack.urls.api, admin.body.access_token);
  callers.admin_token = api;
  callers.client_api_key = apiClient(stack.urls.api, key.token);
  for (const [role, email] of [
    ['agency_operator', 'oscar@agency.example'],
    ['client_operational_lead', 'olivia@northwind.example'],
    ['client_commercial_lead', 'carl@northwind.example'],
    ['client_viewer', 'vera@northwind.example'],
  ] as const) {
    callers[role] = (await inviteAndSignIn(stack, api, { email, name: email.split('@')[0]!, role, ...(role.startsWith('client_') ? { clientId: a } : {}) })).api;
  }
  // A user the user routes change (DELETE disables it), not one of the callers.
  const target = (await api.post('/users', { email: 'tess@agency.example', name: 'Tess', role: 'agency_operator' })).body.userId;

  Object.assign(own, { clientId: a, caseId: caseA, importId: importA, id: entity, keyId: doomedKey, userId: target, ticketId: ticketA });
  Object.assign(other, { clientId: b, caseId: caseB, importId: importB, id: entity, keyId: doomedKeyB, userId: target, ticketId: ticketB });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const pathOf = (route: string, values: Record<string, string>) => route.split(' ')[1]!.replace(/\{(\w+)\}/g, (_, p: string) => values[p]!);
const methodOf = (route: string) => route.split(' ')[0]!;
const bodyOf = (route: string) => (['POST', 'PATCH'].includes(methodOf(route)) ? {} : undefined);
const touchesClientData = (route: string) => /\{(clientId|caseId|importId|ticketId)\}/.test(route);

it('every route of infra/api-routes.ts has an expectation here', () => {
  expect(API_ROUTES.map((r) => r.route).filter((r) => !(r in KIND))).toEqual([]);
});

describe.each(API_ROUTES.map((r) => r.route))('%s', (route) => {
  it('answers each caller as its role allows', async () => {
    const kind = KIND[route];
    if (!kind) return; // reported by the test above
    const method = methodOf(route);
    if (kind === 'public') {
      const r = await apiClient(stack.urls.api).call(method, pathOf(route, own), bodyOf(route));
      expect(r.status, `${route} needs no credential`).toBeLessThan(400);
      return;
    }
    const anonymous = await apiClient(stack.urls.api).call(method, pathOf(route, own), bodyOf(route));
    expect(anonymous.status, `${route} without a token`).toBe(401);

    const seen: Record<string, number> = {};
    const expected: Record<string, number | 'allowed'> = {};
    await Promise.all(
      EVERYONE.map(async (who) => {
        const allowed = (OPEN_TO[kind] as Who[]).includes(who);
        const r = await callers[who].call(method, pathOf(route, own), bodyOf(route));
        seen[who] = [401, 403].includes(r.status) ? r.status : 0;
        expected[who] = allowed ? 0 : 403;
        if (allowed && CLIENT_SCOPED.includes(who) && touchesClientData(route)) {
          const foreign = await callers[who].call(method, pathOf(route, other), bodyOf(route));
          seen[`${who} on another client's data`] = foreign.status;
          expected[`${who} on another client's data`] = 404;
        }
      }),
    );
    // 0: allowed (the route ran: 2xx, or its own 400/404/409 for the empty body).
    expect(seen).toEqual(expected);
  });
});
