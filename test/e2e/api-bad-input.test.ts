import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../infra/api-routes';
import { startTestStack } from '../support/local-stack';
import { setUpClient, uploadCases } from '../support/workflows';

/**
 * The contract: "5xx never for bad input". Every route gets unknown ids, malformed JSON,
 * wrong types and hostile values; each must answer 4xx with a JSON error that says what is wrong.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let ids: Record<string, string>;

beforeAll(async () => {
  stack = await startTestStack();
  const { clientId, entityId } = await setUpClient(stack.api);
  const cases = await uploadCases(stack.api, stack.urls.s3, clientId, [{ ref: 'C1', name: 'Ann Smith', email: 'ann@example.com', amount: '100.00' }]);
  const imports = await stack.api.get(`/clients/${clientId}/imports`);
  // A ticket of the case, as its ticket node would open it, so the ticket route reads its body.
  const { tickets } = await import('../../shared/adapters/dynamo/tickets');
  const at = new Date().toISOString();
  await tickets.open({ ticketId: 'ticket-bad-input', clientId, caseId: cases.C1.caseId, debtorName: 'Ann Smith', title: 'Check the address', status: 'open', createdAt: at, updatedAt: at, version: 1 });
  ids = { id: entityId, clientId, caseId: cases.C1.caseId, importId: imports.body.items[0].importId, ticketId: 'ticket-bad-input' };
});
afterAll(async () => {
  await stack?.stop();
});

const BAD_BODIES: [string, unknown][] = [
  ['malformed JSON', '{"amountMinor": '],
  ['a JSON array', [1, 2, 3]],
  ['a JSON string', '"hello"'],
  ['wrong types', { amountMinor: '12.50', installments: 'soon', reason: 42, resumeTo: ['x'], companyInfo: 7, name: null }],
  ['hostile values', { amountMinor: -1e308, installments: [{ dueDate: '2025-02-30', amountMinor: 1.5 }], reason: '=cmd()', note: 'x'.repeat(100_000) }],
];

function path(route: string, values: Record<string, string>): string {
  return route.split(' ')[1]!.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));
}

describe('no route answers 5xx to bad input', () => {
  const writeRoutes = API_ROUTES.filter((r) => /^(POST|PATCH) /.test(r.route));
  const idRoutes = API_ROUTES.filter((r) => r.route.includes('{'));

  it.each(writeRoutes.flatMap((r) => BAD_BODIES.map(([what, body]) => [r.route, what, body] as const)))('%s with %s', async (route, what, body) => {
    const [method] = route.split(' ');
    const res = await stack.api.call(method!, path(route, ids), typeof body === 'string' ? body : JSON.stringify(body), { 'content-type': 'application/json' });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    // Routes that take a body must refuse one they cannot read, and say why. (Unknown fields are
    // ignored, so a body of only unknown fields may pass a route whose fields are all optional.)
    if (what === 'malformed JSON' || (what === 'wrong types' && !route.endsWith('/imports'))) {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.message).toEqual(expect.any(String));
    }
  });

  /** A valid body per route, so the unknown id is the only thing wrong. */
  const VALID: Record<string, unknown> = {
    'POST /cases/{caseId}/payments': { amountMinor: 100 },
    'POST /cases/{caseId}/payment-plan': { installments: [{ dueDate: '2030-01-01', amountMinor: 100 }] },
    'POST /cases/{caseId}/hold': { reason: 'dispute' },
    'POST /cases/{caseId}/release': {},
    'POST /cases/{caseId}/settle': { amountMinor: 100 },
    'POST /cases/{caseId}/close': { reason: 'withdrawn' },
    'POST /cases/{caseId}/contact-preferences': { sms: false },
    'POST /clients/{clientId}/imports': {},
    'PATCH /clients/{clientId}': { companyInfo: { name: 'X' } },
  };

  it.each(idRoutes.map((r) => [r.route] as const))('%s with an unknown id answers 404', async (route) => {
    const [method] = route.split(' ');
    const unknown = Object.fromEntries(Object.keys(ids).map((k) => [k, `${k}-does-not-exist`]));
    const body = method === 'GET' ? undefined : JSON.stringify(VALID[route] ?? {});
    const res = await stack.api.call(method!, path(route, unknown), body, { 'content-type': 'application/json' });
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it.each([
    ['/clients?limit=abc'],
    ['/clients?cursor=%00%ff'],
    ['/clients/{clientId}/cases?phase=nonsense'],
    ['/clients/{clientId}/cases?limit=-1'],
    ['/clients/{clientId}/imports?cursor=bm90LWpzb24'],
    ['/cases/{caseId}/timeline?limit=100000'],
    ['/cases/{caseId}/communications?cursor=e30'],
    // a well-formed cursor of another case's partition
    [`/cases/{caseId}/timeline?cursor=${Buffer.from(JSON.stringify({ pk: 'CASE#other', sk: 'EVT#x' })).toString('base64url')}`],
    [`/clients/{clientId}/cases?cursor=${Buffer.from(JSON.stringify({ pk: 'CASE#a', sk: 'CASE', gsi1pk: 'CLIENT#other#CASES', gsi1sk: 'x' })).toString('base64url')}`],
  ])('GET %s answers 400', async (template) => {
    const res = await stack.api.get(template.replace(/\{(\w+)\}/g, (_, k: string) => ids[k]!));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.length + res.body.error.message.length).toBeGreaterThan(0);
  });
});

describe('no GET route accepts a query parameter it does not know', () => {
  const getRoutes = API_ROUTES.filter((r) => r.route.startsWith('GET ') && !['GET /health', 'GET /openapi.json', 'GET /docs'].includes(r.route));
  it.each(getRoutes.map((r) => [r.route] as const))('%s?bogus=1 answers 400 naming it', async (route) => {
    const res = await stack.api.get(`${path(route, ids)}?bogus=1`);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details).toContainEqual({ field: 'bogus', message: 'is not a known field; check its spelling and where it sits' });
  });
});
