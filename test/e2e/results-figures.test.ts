import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestStack } from '../support/local-stack';
import { HEADER, dropClient, putCsv, waitForImport } from '../support/imports';
import { advanceDays, setUpClient, uploadCases, type Debtor } from '../support/workflows';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * The DynamoDB requests made while `fn` runs, by every function (each has its own SDK clients in
 * its own bundle), as the table's endpoint saw them: the operation, and the request and answer
 * with its key as plain strings.
 */
async function tableRequests<T>(fn: () => Promise<T>): Promise<{ result: T; requests: { command: string; input: any; output: any }[] }> {
  const stop = stack.recordTableRequests();
  const outcome = await fn().then((value) => ({ value }), (error: unknown) => ({ error }));
  const seen = await stop();
  if ('error' in outcome) throw outcome.error;
  const requests = seen.map((r) => {
    const input = JSON.parse(r.input || '{}');
    // The table's keys are strings: { pk: { S: 'CLIENT#…' } } as { pk: 'CLIENT#…' }.
    if (input.Key) input.Key = Object.fromEntries(Object.entries(input.Key as Record<string, { S: string }>).map(([k, v]) => [k, v.S]));
    return { command: `${r.target.split('.')[1]}Command`, input, output: JSON.parse(r.output || '{}') };
  });
  return { result: outcome.value, requests };
}

/** Requests and the items they returned while `fn` runs, once the stack is idle. */
async function countTableReads<T>(fn: () => Promise<T>): Promise<{ result: T; requests: number; items: number }> {
  await settle();
  const { result, requests } = await tableRequests(fn);
  const items = requests.reduce((n, { output: o }) => n + (o.Item ? 1 : 0) + (o.Items?.length ?? 0) + Object.values((o.Responses ?? {}) as Record<string, unknown[]>).reduce((s, r) => s + r.length, 0), 0);
  return { result, requests: requests.length, items };
}

/** Lets the work an import queued (its cases' workflow starts) run first, so only the route's own requests are counted. */
async function settle(): Promise<void> {
  const now = (await stack.api.get('/local/clock')).body.now;
  expect((await stack.api.post('/local/clock/advance', { to: now })).status).toBe(200);
}

const debtors = (n: number, from = 0): Debtor[] => Array.from({ length: n }, (_, i) => ({ ref: `R${from + i}`, name: `Debtor ${from + i}`, email: `d${from + i}@example.com`, amount: '10.00' }));

const THREE: Debtor[] = [
  { ref: 'A', name: 'Ann Paid', email: 'ann@example.com', amount: '100.00' },
  { ref: 'B', name: 'Bob Partly', email: 'bob@example.com', amount: '200.00' },
  { ref: 'C', name: 'Cy Nomail', phone: '+447700900123', amount: '50.00' },
];

describe("a client's results", () => {
  let clientId: string;
  let cases: Record<string, any>;
  beforeAll(async () => {
    ({ clientId } = await setUpClient(stack.api, { companyInfo: { name: 'Results Energy' } }));
    cases = await uploadCases(stack.api, stack.urls.s3, clientId, THREE);
    // Ten days after placement (the second week): A pays in full, B a quarter.
    await advanceDays(stack.api, 10);
    expect((await stack.api.post(`/cases/${cases.A.caseId}/payments`, { amountMinor: 10_000 })).status).toBe(201);
    expect((await stack.api.post(`/cases/${cases.B.caseId}/payments`, { amountMinor: 5_000 })).status).toBe(201);
    // Past the 14 days of breathing space: B and C in outreach, whose first node is an email.
    await advanceDays(stack.api, 5);
  });

  it('shows placed, collected, recovery rate, cases by phase, the import month curve and contacts by channel', async () => {
    const r = await stack.api.get(`/clients/${clientId}/results`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ clientId, currency: 'EUR', placedMinor: 35_000, collectedMinor: 15_000, recoveryRate: 0.4286, openCases: 2 });
    expect(r.body.casesByPhase).toEqual({ breathing_space: 0, outreach: 2, payment_plan: 0, on_hold: 0, retry: 0, closed: 1 });
    // Paid on day 10: nothing within the first week, 15,000 of 35,000 within two weeks.
    expect(r.body.liquidation).toEqual([
      {
        month: '2026-01',
        placedMinor: 35_000,
        points: [
          { day: 7, collectedMinor: 0, share: 0 },
          { day: 14, collectedMinor: 15_000, share: 0.4286 },
        ],
      },
    ]);
    // A's closure email and B's first notice went out; C has no email address.
    expect(r.body.contacts.email).toEqual({ sent: 2, failed: 0, skipped: 1, optedOut: 0 });
    expect(r.body.contacts.sms).toEqual({ sent: 0, failed: 0, skipped: 0, optedOut: 0 });
    expect(Date.parse(r.body.asOf)).toBeGreaterThan(Date.parse('2026-01-20T00:00:00Z'));
  });

  it('counts an opt-out apart from other skips', async () => {
    expect((await stack.api.post(`/cases/${cases.B.caseId}/contact-preferences`, { sms: false })).status).toBe(200);
    // B's SMS is due three days into outreach.
    await advanceDays(stack.api, 3);
    const r = await stack.api.get(`/clients/${clientId}/results`);
    expect(r.body.contacts.sms).toMatchObject({ sent: 1, optedOut: 1 });
  });

  it('counts a payment posted twice under one reference once, a file uploaded again not at all, and an invoice added to a case as placed', async () => {
    const before = (await stack.api.get(`/clients/${clientId}/results`)).body;
    const pay = { amountMinor: 1_000, reference: 'BANK-77' };
    expect((await stack.api.post(`/cases/${cases.B.caseId}/payments`, pay)).status).toBe(201);
    expect((await stack.api.post(`/cases/${cases.B.caseId}/payments`, pay)).body.duplicate).toBe(true);
    await uploadCases(stack.api, stack.urls.s3, clientId, THREE, 'cases-again.csv');
    const s3 = dropClient(stack.urls.s3);
    await putCsv(s3, `${clientId}/more.csv`, [HEADER, 'B,Bob Partly,bob@example.com,,,INV-B-2,2025-12-15,30.00,EUR,energy'].join('\n'));
    s3.destroy();
    expect((await waitForImport(stack.api, clientId, { key: `${clientId}/more.csv` })).counts).toMatchObject({ merged: 1 });
    const after = (await stack.api.get(`/clients/${clientId}/results`)).body;
    expect(after).toMatchObject({ placedMinor: before.placedMinor + 3_000, collectedMinor: before.collectedMinor + 1_000, casesByPhase: before.casesByPhase });
    expect(after.liquidation[0]).toMatchObject({ month: '2026-01', placedMinor: before.liquidation[0].placedMinor + 3_000 });
  });

  it("answers another client's system 404, and an unknown currency with no figures", async () => {
    const other = await setUpClient(stack.api, { companyInfo: { name: 'Other Energy' } });
    const key = await stack.api.post(`/clients/${other.clientId}/api-keys`, {});
    const otherSystem = apiClient(stack.urls.api, key.body.token);
    expect((await otherSystem.get(`/clients/${clientId}/results`)).status).toBe(404);
    expect((await otherSystem.get(`/clients/${other.clientId}/results`)).status).toBe(200);
    const usd = await stack.api.get(`/clients/${clientId}/results?currency=USD`);
    expect(usd.body).toMatchObject({ currency: 'USD', placedMinor: 0, liquidation: [] });
    expect((await stack.api.get(`/clients/${clientId}/results?cases=all`)).status).toBe(400);
  });
});

describe('the cost of reading results', () => {
  it('is the same number of table requests and items for 5 cases as for 50', async () => {
    const { clientId } = await setUpClient(stack.api, { companyInfo: { name: 'Scale Energy' } });
    await uploadCases(stack.api, stack.urls.s3, clientId, debtors(5), 'five.csv');
    const five = await countTableReads(() => stack.api.get(`/clients/${clientId}/results`));
    const upload = await tableRequests(() => uploadCases(stack.api, stack.urls.s3, clientId, debtors(45, 5), 'forty-five.csv'));
    // The importer sums its chunk (45 rows, one chunk): one ADD on each of the client's totals, money and import month items, not one per row.
    const counterWrites = upload.requests.filter((r) => r.command === 'UpdateItemCommand' && r.input.Key?.pk === `CLIENT#${clientId}` && String(r.input.Key?.sk).startsWith('RESULTS'));
    expect(counterWrites.map((r) => r.input.Key.sk).sort()).toEqual(['RESULTS', 'RESULTS#EUR', 'RESULTS#EUR#2026-01']);
    const fifty = await countTableReads(() => stack.api.get(`/clients/${clientId}/results`));
    expect(five.result.body.placedMinor).toBe(5_000);
    expect(fifty.result.body.placedMinor).toBe(50_000);
    expect(fifty.result.body.casesByPhase.breathing_space).toBe(50);
    expect(five.requests).toBeGreaterThan(0);
    expect({ requests: fifty.requests, items: fifty.items }).toEqual({ requests: five.requests, items: five.items });
  });
});

describe('operations figures', () => {
  it('shows executions by kind and status, sends by channel and import rows; agency roles only', async () => {
    const o = await stack.api.get('/operations');
    expect(o.status).toBe(200);
    // Every import of this file: 3, the same 3 again, 1 more invoice, then 5 + 45 rows.
    expect(o.body.imports.rows).toBe(57);
    expect(o.body.executions.breathingSpace.succeeded).toBeGreaterThanOrEqual(2);
    expect(o.body.executions.breathingSpace.stopped).toBe(1);
    expect(o.body.executions.mainOutreach.running).toBe(2);
    expect(o.body.sends.email).toMatchObject({ sent: 2, skipped: 1 });
    expect(o.body.sends.sms).toMatchObject({ sent: 1, skipped: 1 });
    expect(o.body.dashboardUrl).toBeUndefined();
  });
});
