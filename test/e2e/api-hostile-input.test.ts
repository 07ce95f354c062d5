import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { HEADER, allCases, dropClient, putCsv, waitForImport } from '../support/imports';
import { events, setUpClient, uploadCases } from '../support/workflows';

/**
 * Input that was accepted but wrong: money lost in a CSV, bodies a route ignored, amounts and
 * dates no case can hold, control characters, and concurrent payments that
 * were answered 409. One stack, many checks.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let clientId: string;
let caseId: string;

beforeAll(async () => {
  stack = await startTestStack();
  ({ clientId } = await setUpClient(stack.api));
  const cases = await uploadCases(stack.api, stack.urls.s3, clientId, [{ ref: 'H1', name: 'Ann Smith', email: 'ann@example.com', amount: '900.00' }]);
  caseId = cases.H1.caseId;
});
afterAll(async () => {
  await stack?.stop();
});

async function importFile(name: string, lines: string[]) {
  const s3 = dropClient(stack.urls.s3);
  await putCsv(s3, `${clientId}/${name}`, lines.join('\n'));
  s3.destroy();
  return waitForImport(stack.api, clientId, { key: `${clientId}/${name}` });
}

describe('CSV', () => {
  it('a row with more cells than the header is rejected naming the row and the counts, not imported as 1.00', async () => {
    const imp = await importFile('split-amount.csv', [
      HEADER,
      'S1,Bob Jones,bob@example.com,,,INV-S1,2025-12-01,1,234.56,EUR,energy',
      'S2,Cem Ak,cem@example.com,,,INV-S2,2025-12-01,50.00,EUR,energy',
    ]);
    expect(imp.status).toBe('completed');
    expect(imp.counts).toMatchObject({ rows: 2, created: 1, rejected: 1 });
    expect(imp.errors).toEqual([expect.objectContaining({ row: 1, message: expect.stringMatching(/has 11 cells but the header has 10 columns/) })]);
    const refs = (await allCases(stack.api, clientId)).map((c) => c.clientCaseNumber);
    expect(refs).toContain('S2');
    expect(refs).not.toContain('S1');
  });

  it('a file whose quoting breaks part-way keeps every good row before it and says which line broke', async () => {
    const imp = await importFile('broken-quote.csv', [
      HEADER,
      'Q1,Dee Fox,dee@example.com,,,INV-Q1,2025-12-01,10.00,EUR,a',
      'Q2,Eve Li,eve@example.com,,,INV-Q2,2025-12-01,20.00,EUR,b',
      'Q3,"Fay Oak,fay@example.com,,,INV-Q3,2025-12-01,30.00,EUR,c',
      'Q4,Gus Elm,gus@example.com,,,INV-Q4,2025-12-01,40.00,EUR,d',
    ]);
    expect(imp.status).toBe('failed');
    expect(imp.failureReason).toMatch(/line 4 of the file/);
    expect(imp.failureReason).toMatch(/quote .* never closed/);
    const refs = (await allCases(stack.api, clientId)).map((c) => c.clientCaseNumber);
    expect(refs).toEqual(expect.arrayContaining(['Q1', 'Q2']));
    expect(refs).not.toContain('Q4');
  });

  it('control characters in a debtor name and amounts beyond what a case holds are rejected by cell', async () => {
    const imp = await importFile('hostile-cells.csv', [HEADER, 'N1,Hal\u0000Stone,,,,INV-N1,2025-12-01,10.00,EUR,', 'N2,Ida Moss,,,,INV-N2,2025-12-01,90071992547409.93,EUR,', 'N2b,Ida Moss,,,,INV-N2b,2025-12-01,20000000000.00,EUR,', 'N3,Jo Birch,,,,INV-N3,9999-12-01,10.00,EUR,']);
    expect(imp.counts).toMatchObject({ rows: 4, rejected: 4 });
    expect(imp.errors.map((e: any) => [e.row, e.column])).toEqual([
      [1, 'debtor_name'],
      [2, 'amount'],
      [3, 'amount'],
      [4, 'due_date'],
    ]);
    expect(imp.errors[1].message).toMatch(/at most 1000000000000 minor units/);
    expect(imp.errors[2].message).toMatch(/at most 1000000000000 minor units/);
    expect(imp.errors[3].message).toMatch(/2000-01-01 to 2099-12-31/);
  });
});

describe('bodies a route ignored', () => {
  it('the import-creation route refuses an array, a string, unknown fields and 5 MB, and leaves no pending record', async () => {
    const before = (await stack.api.get(`/clients/${clientId}/imports?limit=100`)).body.items.length;
    for (const body of [[1, 2], '"hello"', { file: 'x.csv' }]) {
      const r = await stack.api.call('POST', `/clients/${clientId}/imports`, typeof body === 'string' ? body : JSON.stringify(body));
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    const huge = await stack.api.call('POST', `/clients/${clientId}/imports`, JSON.stringify({ x: 'y'.repeat(5 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect((await stack.api.get(`/clients/${clientId}/imports?limit=100`)).body.items.length).toBe(before);
    expect((await stack.api.post(`/clients/${clientId}/imports`, {})).status).toBe(201);
  });
});

describe('amounts and dates a case can hold', () => {
  it('refuses plan due dates in 9999, payments of 2^53 or received in year 0, saying the bound', async () => {
    const plan = await stack.api.post(`/cases/${caseId}/payment-plan`, { installments: [{ dueDate: '9999-01-01', amountMinor: 100 }] });
    expect(plan.status).toBe(400);
    expect(plan.body.error.details).toEqual([{ field: 'installments.0.dueDate', message: 'must be within a year before today and 10 years after it' }]);
    const huge = await stack.api.post(`/cases/${caseId}/payments`, { amountMinor: 2 ** 53 });
    expect(huge.status).toBe(400);
    expect(huge.body.error.details).toEqual([{ field: 'amountMinor', message: expect.stringMatching(/at most 1000000000000 minor units/) }]);
    const ancient = await stack.api.post(`/cases/${caseId}/payments`, { amountMinor: 100, receivedAt: '0000-01-01T00:00:00Z' });
    expect(ancient.status).toBe(400);
    expect(ancient.body.error.details[0]).toMatchObject({ field: 'receivedAt', message: expect.stringMatching(/between 2000-01-01 and now/) });
    const future = await stack.api.post(`/cases/${caseId}/payments`, { amountMinor: 100, receivedAt: '2030-01-01T00:00:00Z' });
    expect(future.status).toBe(400);
  });

  it('refuses NUL and control characters in a payment reference', async () => {
    const r = await stack.api.post(`/cases/${caseId}/payments`, { amountMinor: 100, reference: 'PAY\u00001' });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([{ field: 'reference', message: expect.stringMatching(/control characters/) }]);
  });
});

describe('concurrent payments with different references', () => {
  it('are all recorded; none is answered 409', async () => {
    const before = (await stack.api.get(`/cases/${caseId}`)).body.balance.paidMinor;
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => stack.api.post(`/cases/${caseId}/payments`, { amountMinor: 10 + i, reference: `concurrent-${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(25).fill(201));
    const after = (await stack.api.get(`/cases/${caseId}`)).body.balance.paidMinor;
    expect(after - before).toBe(Array.from({ length: 25 }, (_, i) => 10 + i).reduce((a, b) => a + b, 0));
  });
});
