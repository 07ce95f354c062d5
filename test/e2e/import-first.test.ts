import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { config } from '../../shared/adapters/config';
import { dropBucket } from '../../shared/adapters/drop-bucket';
import { dynamo } from '../../shared/adapters/dynamo/client';
import { importItemKeys } from '../../shared/adapters/dynamo/import-repository';
import { importHandlerStack } from '../support/import-handler-stack';
import { HEADER, allCases, dropClient, putCsv } from '../support/imports';

// Chunks of 25 rows, so a debtor's rows and an invoice's repeat are chunks apart.
const stack = importHandlerStack();

const DEBTORS = 120;
const phone = (d: number) => `07700 9${String(d).padStart(5, '0')}`;
const postcode = (d: number) => `N${d} 1AB`;

/**
 * A first file. Per debtor, four rows spread over the file (debtors start 4 rows apart): its first
 * invoice with every contact; ~60 rows on (two chunks or more) an invoice under another name tied
 * to it only by the phone; ~90 rows on a repeat of the first invoice, written differently; ~100
 * rows on an invoice tied only by name and postcode.
 */
function firstFile(): string {
  const rows: { at: number; line: string }[] = [];
  for (let d = 0; d < DEBTORS; d++) {
    const at = d * 4;
    rows.push({ at, line: `,Debtor ${d},d${d}@example.com,${phone(d)},${postcode(d)},D${d}-0,2025-12-01,10.00,,` });
    rows.push({ at: at + 60.1, line: `,Someone Else,,${phone(d)},,D${d}-1,2025-12-01,1.00,,` });
    rows.push({ at: at + 90.2, line: `,Debtor ${d},,,,d${d}-0 ,2025-12-01,10.00,,` });
    rows.push({ at: at + 100.3, line: `,DEBTOR ${d},,,${postcode(d).toLowerCase().replace(' ', '')},D${d}-2,2025-12-01,0.10,,` });
  }
  rows.sort((a, b) => a.at - b.at);
  return [HEADER, ...rows.map((r) => r.line)].join('\n');
}

/** A second file: per debtor, a repeat of an invoice added to its case, and a new invoice tied by email; plus new debtors. */
function secondFile(newDebtors: number): string {
  const lines = [HEADER];
  for (let d = 0; d < DEBTORS; d++) {
    lines.push(`,Debtor ${d},,,,D${d}-1,2025-12-01,1.00,,`);
    lines.push(`,Debtor ${d},D${d}@EXAMPLE.COM,,,D${d}-3,2025-12-01,0.01,,`);
  }
  for (let n = 0; n < newDebtors; n++) lines.push(`,New ${n},new${n}@example.com,,,NEW-${n},2025-12-01,5.00,,`);
  return lines.join('\n');
}

async function newClient(): Promise<string> {
  const created = await stack().api.post('/clients', { companyInfo: { name: 'Acme', address: { country: 'GB' } }, finances: { currency: 'EUR' } });
  return created.body.clientId as string;
}

/** Uploads a file and runs the import handler on it here; returns the import record as the API shows it. */
async function runImport(clientId: string, name: string, csv: string): Promise<any> {
  const key = `${clientId}/${name}`;
  const s3 = dropClient(stack().urls.s3);
  await putCsv(s3, key, csv);
  s3.destroy();
  const head = (await dropBucket.head('recoup-drop', key))!;
  const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'recoup-drop' }, object: { key, eTag: head.etag } } }] } as unknown as S3Event;
  const { handler } = await import('../../functions/import-csv/handler');
  const [result] = await handler(event, { getRemainingTimeInMillis: () => 900_000 });
  expect(result).toMatchObject({ outcome: 'done', status: 'completed' });
  return (await stack().api.get(`/imports/${(result as { importId: string }).importId}`)).body;
}

const marker = async (clientId: string) => (await dynamo().send(new GetCommand({ TableName: config().TABLE_NAME, Key: importItemKeys.indexMarker(clientId), ConsistentRead: true }))).Item;

function expectFirstFileCases(cases: any[], extra: (d: number) => string[] = () => []): void {
  const debtors = cases.filter((c) => /^Debtor \d+$/.test(c.debtor.name));
  expect(debtors).toHaveLength(DEBTORS);
  for (const c of debtors) {
    const d = Number(/^Debtor (\d+)$/.exec(c.debtor.name)![1]);
    expect(c.invoices.map((i: any) => i.invoiceNumber)).toEqual([`D${d}-0`, `D${d}-1`, `D${d}-2`, ...extra(d)]);
  }
}

describe('a client first import looks up only the keys it wrote', () => {
  let clientId: string;

  it('catches repeats and combines a debtor across chunks, skipping the lookups it cannot need', async () => {
    clientId = await newClient();
    expect(await marker(clientId)).toBeUndefined();
    const imp = await runImport(clientId, 'first.csv', firstFile());
    expect(imp.counts).toEqual({ rows: 4 * DEBTORS, created: DEBTORS, merged: 2 * DEBTORS, duplicates: DEBTORS, rejected: 0 });
    expectFirstFileCases(await allCases(stack().api, clientId));
    // Every row's invoice and keys whose first sighting is in the chunk being planned are not read:
    // most of them. Keys an earlier chunk wrote are read (the repeats and the phone / name matches).
    expect(imp.lookups.mode).toBe('first-import');
    expect(imp.lookups.skipped).toBeGreaterThan(4 * DEBTORS);
    expect(imp.lookups.made).toBeGreaterThanOrEqual(DEBTORS);
    expect(imp.lookups.made).toBeLessThan(imp.lookups.skipped);
    expect(await marker(clientId)).toMatchObject({ importId: imp.importId });
  });

  it('a second file into the same client looks up everything: repeats are caught and debtors matched', async () => {
    const imp = await runImport(clientId, 'second.csv', secondFile(30));
    expect(imp.lookups).toEqual({ mode: 'full', made: expect.any(Number), skipped: 0 });
    expect(imp.lookups.made).toBeGreaterThan(3 * DEBTORS);
    expect(imp.counts).toEqual({ rows: 2 * DEBTORS + 30, created: 30, merged: DEBTORS, duplicates: DEBTORS, rejected: 0 });
    const cases = await allCases(stack().api, clientId);
    expect(cases).toHaveLength(DEBTORS + 30);
    expectFirstFileCases(cases, (d) => [`D${d}-3`]);
  });

  it('a client whose data was written before the marker existed gets full lookups', async () => {
    const older = await newClient();
    await runImport(older, 'first.csv', firstFile());
    // As data written by an importer that did not write the marker.
    await dynamo().send(new DeleteCommand({ TableName: config().TABLE_NAME, Key: importItemKeys.indexMarker(older) }));
    const imp = await runImport(older, 'second.csv', secondFile(0));
    expect(imp.lookups.mode).toBe('full');
    expect(imp.lookups.skipped).toBe(0);
    expect(imp.counts).toEqual({ rows: 2 * DEBTORS, created: 0, merged: DEBTORS, duplicates: DEBTORS, rejected: 0 });
    expectFirstFileCases(await allCases(stack().api, older), (d) => [`D${d}-3`]);
    expect(await marker(older)).toMatchObject({ importId: imp.importId });
  });

  it('a client with the marker but no case yet (its first file had no good row) gets full lookups', async () => {
    const c = await newClient();
    const bad = await runImport(c, 'bad.csv', [HEADER, ',Jane,jane@example.com,,,INV-1,not a date,10.00,,'].join('\n'));
    expect(bad.counts).toMatchObject({ rows: 1, rejected: 1 });
    expect(await allCases(stack().api, c)).toHaveLength(0);
    const imp = await runImport(c, 'good.csv', [HEADER, ',Jane,jane@example.com,,,INV-1,2025-12-01,10.00,,', ',Jane,jane@example.com,,,INV-2,2025-12-01,10.00,,'].join('\n'));
    expect(imp.lookups.mode).toBe('full');
    expect(imp.counts).toMatchObject({ rows: 2, created: 1, merged: 1 });
  });
});
