import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDocument } from '../../infra/api-docs';
import { HEADER, waitForImport } from '../support/imports';
import { apiClient, startTestStack, TEST_TOKEN } from '../support/local-stack';
import { advanceDays, comms, events, setUpClient, uploadCases } from '../support/workflows';

let stack: Awaited<ReturnType<typeof startTestStack>>;
const ids = { client: '', entity: '' };
beforeAll(async () => {
  stack = await startTestStack();
  Object.assign(ids, await setUpClient(stack.api).then((r) => ({ client: r.clientId, entity: r.entityId })));
});
afterAll(async () => {
  await stack?.stop();
});

it('the local routes answer only to the token, and the outbox names the services it knows', async () => {
  const anonymous = apiClient(stack.urls.api);
  const stranger = apiClient(stack.urls.api, 'not-the-token');
  for (const [method, path, body] of [
    ['GET', '/local/clock', undefined],
    ['POST', '/local/clock/advance', { days: 1 }],
    ['GET', '/local/outbox', undefined],
    ['POST', '/local/outbox/faults', { service: 'sns', count: 1 }],
    ['GET', '/local/step-functions/executions', undefined],
    ['GET', '/local/start-queue', undefined],
  ] as const) {
    expect((await anonymous.call(method, path, body)).status, `${method} ${path}`).toBe(401);
    expect((await stranger.call(method, path, body)).status, `${method} ${path}`).toBe(403);
  }
  // Nothing moved: the refused advance did not run.
  const before = (await stack.api.get('/local/clock')).body.now;
  expect(before).toBe('2026-01-05T09:00:00.000Z');
  expect((await anonymous.get('/health')).status).toBe(200);

  expect((await stack.api.get('/local/outbox?service=sns')).status).toBe(200);
  const misspelt = await stack.api.get('/local/outbox?service=sms');
  expect(misspelt.status).toBe(400);
  expect(misspelt.body.error.message).toBe('unknown service "sms"; the outbox knows sns, connect, print, skip-trace');
});

it('business entities are listed page by page and corrected with a merge patch at the version read', async () => {
  const { api } = stack;
  const second = await api.post('/business-entities', { name: 'Bravo Recoveries', senderEmail: 'bravo@example.com' });
  expect(second.status).toBe(201);

  const first = await api.get('/business-entities?limit=1');
  expect(first.status).toBe(200);
  expect(first.body.items).toHaveLength(1);
  const next = await api.get(`/business-entities?limit=1&cursor=${first.body.cursor}`);
  // Oldest first; both were made in the same virtual instant, so either may come first.
  expect([...first.body.items, ...next.body.items].map((e: any) => e.businessEntityId).sort()).toEqual([ids.entity, second.body.businessEntityId].sort());
  expect((await api.get('/business-entities?limt=1')).status).toBe(400);

  const path = `/business-entities/${second.body.businessEntityId}`;
  const patched = await api.patch(path, { version: 1, emailFooter: 'Bravo Recoveries, registered 998877', address: { city: 'Leeds' } });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({ version: 2, name: 'Bravo Recoveries', emailFooter: 'Bravo Recoveries, registered 998877', address: { city: 'Leeds' } });
  expect((await api.get(path)).body.emailFooter).toBe('Bravo Recoveries, registered 998877');

  // A stale version is a conflict; a patch that changes nothing keeps the version; the id is the server's.
  const stale = await api.patch(path, { version: 1, name: 'Someone else' });
  expect(stale.status).toBe(409);
  expect(stale.body.error.code).toBe('stale_version');
  expect((await api.patch(path, { version: 2, name: 'Bravo Recoveries' })).body.version).toBe(2);
  expect((await api.patch(path, { businessEntityId: 'be_other' })).status).toBe(400);
  expect((await api.patch(path, { senderEmail: 'not an email' })).status).toBe(400);
  expect((await api.patch('/business-entities/be_missing', { name: 'x' })).status).toBe(404);
});

it("an import's error report is reachable through the API, and only its client's system may read it", async () => {
  const { api } = stack;
  const up = await api.post(`/clients/${ids.client}/imports`, {});
  expect(up.status).toBe(201);
  const early = await api.get(`/imports/${up.body.importId}/report`);
  expect(early.status).toBe(409);
  expect(early.body.error.message).toMatch(/is pending; its error report is written when it finishes/);

  const csv = [HEADER, 'R1,Rita Row,rita@example.com,,,INV-R1,2025-12-01,10.00,EUR,', 'R2,Rob Row,,,,INV-R2,2025-13-01,10.00,EUR,'].join('\n');
  expect((await fetch(up.body.uploadUrl, { method: 'PUT', body: csv })).status).toBe(200);
  await waitForImport(api, ids.client, { importId: up.body.importId });

  const res = await fetch(`${stack.urls.api}/imports/${up.body.importId}/report`, { headers: { authorization: `Bearer ${TEST_TOKEN}` }, redirect: 'manual' });
  expect(res.status).toBe(302);
  const report = await fetch(res.headers.get('location')!);
  expect(report.status).toBe(200);
  const lines = (await report.text()).trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^2,rejected,due_date,/);

  // Followed as a browser or fetch would (the token is not sent on to S3).
  const followed = await fetch(`${stack.urls.api}/imports/${up.body.importId}/report`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  expect(await followed.text()).toContain('due_date');

  // A web page asks for the link itself, as it cannot read a cross-origin redirect.
  const link = await api.get(`/imports/${up.body.importId}/report?format=link`);
  expect(link.status).toBe(200);
  expect(await (await fetch(link.body.url)).text()).toContain('due_date');
  expect((await api.get(`/imports/${up.body.importId}/report?format=pdf`)).status).toBe(400);

  const key = (await api.post(`/clients/${ids.client}/api-keys`, {})).body.token;
  expect((await apiClient(stack.urls.api, key).call('GET', `/imports/${up.body.importId}/report`)).status).not.toBe(404);
  const other = (await api.post('/clients', { companyInfo: { name: 'Other Ltd' }, finances: { currency: 'EUR' } })).body.clientId;
  const otherKey = (await api.post(`/clients/${other}/api-keys`, {})).body.token;
  expect((await apiClient(stack.urls.api, otherKey).get(`/imports/${up.body.importId}/report`)).status).toBe(404);
});

it('the API describes itself without a token: /openapi.json and a page at /docs', async () => {
  const anonymous = apiClient(stack.urls.api);
  const spec = await anonymous.get('/openapi.json');
  expect(spec.status).toBe(200);
  expect(spec.body).toEqual(apiDocument());
  const page = await fetch(`${stack.urls.api}/docs`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await page.text();
  expect(html).toContain('<code>/cases/{caseId}/payments</code>');
  expect(html).not.toMatch(/<script|src=|href="https?:/);
});

describe('finding and correcting cases', () => {
  let found: Record<string, any>;
  beforeAll(async () => {
    found = await uploadCases(stack.api, stack.urls.s3, ids.client, [
      { ref: 'S1', name: 'Maria Lopez', email: 'maria@example.com', phone: '+447700900101', amount: '100.00' },
      { ref: 'S2', name: 'Mario Rossi', email: 'mrossi@example.com', phone: '+447700900202', amount: '200.00', portfolio: 'no-breathing' },
      { ref: 'S3', name: 'Zoe Adams', email: 'zoe@example.com', amount: '300.00' },
    ], 'search.csv');
  });
  const search = async (query: string) => {
    const r = await stack.api.get(`/clients/${ids.client}/cases?${query}`);
    expect(r.status, query).toBe(200);
    return r.body.items.map((c: any) => c.clientCaseNumber).sort();
  };

  it('finds cases by the start of name, email, phone or case number, by invoice number, and filters by phase and portfolio', async () => {
    expect(await search('q=mari')).toEqual(['S1', 'S2']);
    expect(await search('q=Mario%20R')).toEqual(['S2']);
    expect(await search('q=zoe%40ex')).toEqual(['S3']);
    expect(await search(`q=${encodeURIComponent('+44 7700 900 20')}`)).toEqual(['S2']);
    expect(await search('q=inv-s3')).toEqual(['S3']);
    expect(await search('q=s1')).toEqual(['S1']);
    expect(await search('q=nobody')).toEqual([]);
    expect(await search('q=mari&phase=outreach')).toEqual(['S2']);
    expect(await search('q=mari&portfolio=default')).toEqual(['S1']);
    expect(await search('portfolio=no-breathing')).toEqual(['S2']);

    const unknown = await stack.api.get(`/clients/${ids.client}/cases?query=mari`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].field).toBe('query');
  });

  it("lists the client's invoices across its cases, page by page", async () => {
    const seen: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.api.get(`/clients/${ids.client}/invoices?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.cursor;
    } while (cursor);
    const byNumber = Object.fromEntries(seen.map((i) => [i.invoiceNumber, i]));
    expect(Object.keys(byNumber).sort()).toEqual(['INV-R1', 'INV-S1', 'INV-S2', 'INV-S3']);
    expect(byNumber['INV-S2']).toMatchObject({ caseId: found.S2.caseId, clientCaseNumber: 'S2', debtorName: 'Mario Rossi', amountMinor: 20000, currency: 'EUR' });
    expect((await stack.api.get(`/clients/${ids.client}/invoices?status=open`)).status).toBe(400);
  });

  it("corrects the debtor's contact data: later sends use it, the old values stay on the timeline", async () => {
    const { api } = stack;
    const zoe = found.S3;
    const path = `/cases/${zoe.caseId}`;
    const fixed = await api.patch(path, { version: zoe.version, debtor: { email: ' Zoe.Adams@Example.com ', phone: '+44 7700 900303', address: { city: 'York' } } });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(fixed.body.debtor).toMatchObject({ name: 'Zoe Adams', email: 'zoe.adams@example.com', phone: '+447700900303', address: { city: 'York' } });
    expect(fixed.body.version).toBe(zoe.version + 1);

    const stale = await api.patch(path, { version: zoe.version, debtor: { name: 'Zoë Adams' } });
    expect(stale.status).toBe(409);
    expect((await api.patch(path, { debtor: { nickname: 'Z' } })).status).toBe(400);
    expect((await api.patch(path, { debtor: { email: 'not-an-email' } })).status).toBe(400);
    expect((await api.patch(path, { debtor: { timezone: 'Mars/Olympus' } })).status).toBe(400);
    expect((await api.patch(path, { clientId: 'cl_other' })).status).toBe(400);
    // The same correction again changes nothing.
    expect((await api.patch(path, { debtor: { email: 'zoe.adams@example.com' } })).body.version).toBe(zoe.version + 1);

    const corrected = (await events(api, zoe.caseId)).filter((e) => e.type === 'debtor_corrected');
    expect(corrected).toHaveLength(1);
    expect(corrected[0].data.changes).toEqual(
      expect.arrayContaining([
        { field: 'email', before: 'zoe@example.com', after: 'zoe.adams@example.com' },
        { field: 'phone', after: '+447700900303' },
        { field: 'address.city', after: 'York' },
      ]),
    );
    // The search follows the correction.
    expect(await search('q=zoe.adams')).toEqual(['S3']);
    expect(await search('q=zoe%40example')).toEqual([]);

    // Breathing space (14 days) ends: the first email goes to the corrected address.
    await advanceDays(api, 15);
    const sent = (await comms(api, zoe.caseId)).filter((c) => c.channel === 'email');
    expect(sent.map((c) => [c.status, c.recipient])).toEqual([['sent', 'zoe.adams@example.com']]);
  });
});
