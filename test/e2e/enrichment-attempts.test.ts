import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { advanceDays, events, setUpClient, uploadCases } from '../support/workflows';

/**
 * Skip-trace attempts fall due `k * intervalDays` after the case started, whatever its phase:
 * a breathing space longer than the interval does not lose the first attempt. Each attempt
 * bought costs the client its price, recorded on the case and summed for the client.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let clientId: string;
let caseId: string;
beforeAll(async () => {
  stack = await startTestStack();
  ({ clientId } = await setUpClient(stack.api));
  const patch = await stack.api.patch(`/clients/${clientId}`, {
    settings: { enrichment: { intervalDays: 30, attempts: 2 }, workflow: { breathingSpace: { enabled: true, days: 45 } } },
    finances: { enrichmentCostMinor: 150 },
  });
  if (patch.status !== 200) throw new Error(`patch: ${JSON.stringify(patch.body)}`);
  const cases = await uploadCases(stack.api, stack.urls.s3, clientId, [{ ref: 'L1', name: 'Lena Longbreath', email: 'lena@example.com', amount: '60.00' }]);
  caseId = cases.L1.caseId;
});
afterAll(async () => stack?.stop());

const lookups = async () => (await stack.api.get(`/local/outbox?service=skip-trace&caseId=${caseId}`)).body.items as unknown[];

it('a breathing space longer than the interval: the first attempt still happens, once, and its cost is recorded', async () => {
  const { api } = stack;
  expect((await api.post('/local/outbox/skip-trace', { caseId, found: { phone: '+447700900777' } })).status).toBe(200);
  await advanceDays(api, 31); // day 31: attempt 1 was due on day 30, the breathing space lasts until day 45
  expect(await lookups()).toHaveLength(1);
  const c = (await api.get(`/cases/${caseId}`)).body;
  expect(c.phase).toBe('breathing_space');
  // The number found is kept for outreach; no retry run starts inside the breathing space.
  expect(c.debtor.phone).toBe('+447700900777');
  expect(c.enrichmentCostMinor).toBe(150);
  const enriched = (await events(api, caseId)).filter((e) => e.type === 'contacts_enriched');
  expect(enriched.map((e) => e.message)).toEqual(['enrichment (skip trace attempt 1 of 2) found new phone; cost €1.50']);
  expect(enriched[0].data).toMatchObject({ costMinor: 150, currency: 'EUR' });

  await advanceDays(api, 16); // day 47: outreach started on day 45, no attempt is bought again
  expect((await api.get(`/cases/${caseId}`)).body.phase).toBe('outreach');
  expect(await lookups()).toHaveLength(1);
});

it('the second attempt falls due at twice the interval; the client sees what the lookups cost', async () => {
  const { api } = stack;
  await advanceDays(api, 14); // day 61
  expect(await lookups()).toHaveLength(2);
  const c = (await api.get(`/cases/${caseId}`)).body;
  expect(c.enrichmentCostMinor).toBe(300);
  expect((await events(api, caseId)).filter((e) => e.type === 'enrichment_no_news').map((e) => e.message)).toEqual([
    'enrichment (skip trace attempt 2 of 2) found no new contact data; cost €1.50',
  ]);
  const client = (await api.get(`/clients/${clientId}`)).body;
  expect(client.enrichmentSpend).toEqual([{ currency: 'EUR', attempts: 2, costMinor: 300 }]);
  // The total is the server's: a patch cannot set it.
  const patch = await api.patch(`/clients/${clientId}`, { enrichmentSpend: [] });
  expect(patch.status).toBe(400);
  await advanceDays(api, 40); // day 101: two attempts were all
  expect(await lookups()).toHaveLength(2);
});

it('the print and skip-trace providers refuse a call without their API key, as the real ones do', async () => {
  // The functions' own calls above carried the key they read from Secrets Manager; these do not.
  const before = (await stack.api.get('/local/outbox')).body.items.length;
  for (const url of [`${process.env.SKIP_TRACE_URL}/lookups`, `${process.env.PRINT_SERVICE_URL}/jobs`]) {
    for (const headers of [{}, { authorization: 'Bearer not-the-key' }] as Record<string, string>[]) {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ caseId }) });
      expect(r.status, `${url} ${JSON.stringify(headers)}`).toBe(401);
    }
  }
  expect((await stack.api.get('/local/outbox')).body.items).toHaveLength(before);
});
