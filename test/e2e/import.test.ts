import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { invoiceHomeId } from '../../shared/domain/import-plan';
import { HEADER, allCases, dropClient, getText, putCsv, waitForImport } from '../support/imports';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let s3: ReturnType<typeof dropClient>;

beforeAll(async () => {
  stack = await startTestStack();
  s3 = dropClient(stack.urls.s3);
});
afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
});

async function newClient(body: Record<string, unknown> = {}): Promise<string> {
  const res = await stack.api.post('/clients', { companyInfo: { name: 'Acme', address: { country: 'GB' } }, finances: { currency: 'EUR' }, ...body });
  expect(res.status).toBe(201);
  return res.body.clientId;
}

const FILE = [
  HEADER,
  'A-1,Jane Doe,jane@example.com,07700 900123,SW1A 1AA,INV-1,2025-12-01,100.00,,"first, with a comma"',
  'A-2,Jane Doe,JANE@example.com,,,INV-2,2025-12-05,50.50,,"two\nlines"',
  'B-1,Bob Smith,,+44 7700 900999,,INV-3,2025-12-01,1234.56,,',
  'C-1,Carol,carol@example.com,,,INV-4,31/12/2025,10,,',
  'D-1,Dave,dave@example.com,,,INV-5,2025-12-01,=1+1,,',
].join('\r\n');

describe('import through the drop folder', () => {
  it('turns rows into cases, combines one debtor, rejects bad rows with row and column, and writes a safe report', async () => {
    const clientId = await newClient();
    const key = `${clientId}/march invoices+1.csv`;
    await putCsv(s3, key, `\uFEFF${FILE}`);
    const imp = await waitForImport(stack.api, clientId, { key });
    expect(imp).toMatchObject({ status: 'completed', counts: { rows: 5, created: 2, merged: 1, duplicates: 0, rejected: 2 } });
    expect(imp.errors).toEqual([
      expect.objectContaining({ row: 4, column: 'due_date' }),
      expect.objectContaining({ row: 5, column: 'amount', value: '=1+1' }),
    ]);
    const report = await getText(s3, imp.reportKey);
    expect(report.split('\r\n')[0]).toBe('row,outcome,column,message,value');
    expect(report).toContain(`'=1+1`);
    expect(report).not.toMatch(/,=1\+1/);

    const cases = await allCases(stack.api, clientId);
    expect(cases).toHaveLength(2);
    const jane = cases.find((c) => c.debtor.name === 'Jane Doe');
    expect(jane.invoices.map((i: any) => i.invoiceNumber)).toEqual(['INV-1', 'INV-2']);
    expect(jane.invoices[1].description).toBe('two\nlines');
    expect(jane.balance).toMatchObject({ principalMinor: 15050, outstandingMinor: 15050, currency: 'EUR' });
    expect(jane).toMatchObject({ phase: 'breathing_space', breathingSpaceDays: 14, workflow: { kind: 'breathingSpace', seq: 1 } });

    const one = await stack.api.get(`/cases/${jane.caseId}`);
    expect(one.body).toMatchObject({ caseId: jane.caseId, balance: { outstandingMinor: 15050 } });
    const tl = await stack.api.get(`/cases/${jane.caseId}/timeline`);
    // Other events (the workflow's) may follow; the import writes exactly one, and it comes first.
    expect(tl.body.items.filter((e: any) => e.type === 'imported')).toHaveLength(1);
    expect(tl.body.items[0]).toMatchObject({ type: 'imported', data: { invoices: ['INV-1', 'INV-2'] } });
    // The case's id is the home of its first invoice; the second invoice's home is a pointer, not a case.
    expect(jane.caseId).toBe(invoiceHomeId(clientId, 'INV-1'));
    expect((await stack.api.get(`/cases/${invoiceHomeId(clientId, 'INV-2')}`)).status).toBe(404);
    expect((await stack.api.get(`/cases/${jane.caseId}/communications`)).body.items).toEqual([]);
    expect((await stack.api.get(`/clients/${clientId}/cases?phase=outreach`)).body.items).toEqual([]);
    expect((await stack.api.get(`/clients/${clientId}/cases?phase=limbo`)).status).toBe(400);

    // One start per new case, consumed by the starter: an execution with the deterministic name exists.
    const sfn = new SFNClient({ endpoint: process.env.AWS_ENDPOINT_URL_SFN });
    await expect.poll(async () => (await stack.api.get('/local/start-queue')).body.inFlight, { timeout: 10_000 }).toBe(0);
    const prefix = process.env.STATE_MACHINE_ARN_PREFIX!.replace(':stateMachine:', ':execution:');
    const ex = await sfn.send(new DescribeExecutionCommand({ executionArn: `${prefix}breathing-space:${jane.workflow.executionName}` }));
    expect(ex.name).toBe(`${jane.caseId}-breathingSpace-1`);
    sfn.destroy();
  });

  it('the same object twice creates nothing new; the same content under another name is all duplicates', async () => {
    const clientId = await newClient({ settings: { workflow: { breathingSpace: { enabled: false } } }, finances: { currency: 'EUR', costs: [{ name: 'fee', kind: 'fixed', amountMinor: 2500 }] } });
    const file = [HEADER, ',Ann,ann@example.com,,,X-1,2025-12-01,10,,', ',Ann,ann@example.com,,,X-2,2025-12-01,20,,'].join('\n');
    await putCsv(s3, `${clientId}/a.csv`, file);
    const first = await waitForImport(stack.api, clientId, { key: `${clientId}/a.csv` });
    expect(first.counts).toMatchObject({ created: 1, merged: 1 });
    await putCsv(s3, `${clientId}/a.csv`, file); // same key, same ETag: the same import, already completed
    await putCsv(s3, `${clientId}/b.csv`, file);
    const second = await waitForImport(stack.api, clientId, { key: `${clientId}/b.csv` });
    expect(second.counts).toMatchObject({ rows: 2, created: 0, merged: 0, duplicates: 2 });
    const list = await stack.api.get(`/clients/${clientId}/imports`);
    expect(list.body.items.filter((i: any) => i.key === `${clientId}/a.csv`)).toHaveLength(1);
    const cases = await allCases(stack.api, clientId);
    expect(cases).toHaveLength(1);
    // (workflow is not asserted: the outreach execution may already have run and moved on)
    expect(cases[0]).toMatchObject({ phase: 'outreach', balance: { principalMinor: 3000, costsMinor: 2500 } });
    const tl = await stack.api.get(`/cases/${cases[0].caseId}/timeline`);
    expect(tl.body.items.slice(0, 2).map((e: any) => e.type)).toEqual(['imported', 'charges_applied']);
    // Page by page (one event a page), the timeline is the same list.
    const paged: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.api.get(`/cases/${cases[0].caseId}/timeline?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      paged.push(...page.body.items);
      cursor = page.body.cursor;
    } while (cursor);
    expect(paged.slice(0, tl.body.items.length)).toEqual(tl.body.items);
  });

  it('a later file merges into the open case and says so on its timeline', async () => {
    const clientId = await newClient();
    await putCsv(s3, `${clientId}/1.csv`, [HEADER, ',Eve,eve@example.com,,,E-1,2025-12-01,10,,'].join('\n'));
    await waitForImport(stack.api, clientId, { key: `${clientId}/1.csv` });
    await putCsv(s3, `${clientId}/2.csv`, [HEADER, ',Eve E.,EVE@example.com,,,E-2,2025-12-01,5,,', ',Eve,eve@example.com,,,E-3,2025-12-01,7,USD,'].join('\n'));
    const imp = await waitForImport(stack.api, clientId, { key: `${clientId}/2.csv` });
    expect(imp.counts).toMatchObject({ merged: 1, created: 1 });
    const cases = await allCases(stack.api, clientId);
    const eur = cases.find((c) => c.ledger.currency === 'EUR');
    const usd = cases.find((c) => c.ledger.currency === 'USD');
    expect(eur.balance.principalMinor).toBe(1500);
    expect(usd.debtorId).toBe(eur.debtorId);
    const tl = await stack.api.get(`/cases/${eur.caseId}/timeline`);
    expect(tl.body.items.map((e: any) => e.type)).toEqual(expect.arrayContaining(['imported', 'invoice_added']));
  });
});

describe('import through the API', () => {
  it('presigned upload: the returned import id follows the file', async () => {
    const clientId = await newClient();
    const res = await stack.api.post(`/clients/${clientId}/imports`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', key: `${clientId}/${res.body.importId}.csv`, uploadMethod: 'PUT' });
    const put = await fetch(res.body.uploadUrl, { method: 'PUT', body: [HEADER, ',Zed,zed@example.com,,,Z-1,2025-12-01,99.99,,'].join('\n') });
    expect(put.status).toBe(200);
    const imp = await waitForImport(stack.api, clientId, { importId: res.body.importId });
    expect(imp).toMatchObject({ status: 'completed', counts: { created: 1 } });
    expect((await stack.api.get(`/imports/${res.body.importId}`)).body.status).toBe('completed');
    expect((await allCases(stack.api, clientId))[0].balance.principalMinor).toBe(9999);
    expect((await stack.api.post('/clients/cl_nobody/imports')).status).toBe(404);
  });
});

describe('bad files get a clear result', () => {
  const cases: [string, string | Buffer, RegExp | null, Record<string, number>?][] = [
    ['empty.csv', '', /the file is empty/],
    ['header-only.csv', HEADER + '\n', null, { rows: 0 }],
    ['missing.csv', 'debtor_name,amount\nJane,10\n', /missing required columns "invoice_number", "due_date"/],
    ['semicolons.csv', 'debtor_name;invoice_number;due_date;amount\nJane;I-1;2025-12-01;10\n', /separated by semicolons/],
    ['notes.txt', 'hello', /only \.csv files are imported/],
    ['latin1.csv', Buffer.concat([Buffer.from(`${HEADER}\n,`), Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), Buffer.from(',m@x.com,,,L-1,2025-12-01,10,,\n,Ok,ok@x.com,,,L-2,2025-12-01,10,,\n')]), null, { rows: 2, rejected: 1, created: 1 }],
    // A 10 MB quoted field (with a comma and a newline in it) is one bad row, not a failed file.
    ['huge-field.csv', `${HEADER}\n,"${'x'.repeat(10 * 1024 * 1024)},\n",h@x.com,,,H-1,2025-12-01,10,,\n,Ok,ok@x.com,,,H-2,2025-12-01,10,,\n`, null, { rows: 2, rejected: 1, created: 1 }],
  ];
  it.each(cases)('%s', async (name, body, failure, counts) => {
    const clientId = await newClient();
    await putCsv(s3, `${clientId}/${name}`, body);
    const imp = await waitForImport(stack.api, clientId, { key: `${clientId}/${name}` });
    if (failure) {
      expect(imp.status).toBe('failed');
      expect(imp.failureReason).toMatch(failure);
    } else {
      expect(imp.status).toBe('completed');
      expect(imp.counts).toMatchObject(counts!);
    }
  });

  it('a file for an unknown client id fails saying so', async () => {
    await putCsv(s3, 'cl_unknown/x.csv', FILE);
    // The client does not exist, so there is no import list to read; the import is found by its id.
    const { importIdFor } = await import('../../shared/imports/import-ids');
    const { createHash } = await import('node:crypto');
    const etag = createHash('md5').update(FILE).digest('hex');
    await expect.poll(async () => (await stack.api.get(`/imports/${importIdFor('recoup-drop', 'cl_unknown/x.csv', etag)}`)).body?.failureReason, { timeout: 10_000 }).toMatch(/no client with id "cl_unknown"/);
  });
});
