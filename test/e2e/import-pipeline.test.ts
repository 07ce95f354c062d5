import type { S3Event } from 'aws-lambda';
import { expect, it, vi } from 'vitest';
import { dropBucket } from '../../shared/adapters/drop-bucket';
import { dynamo } from '../../shared/adapters/dynamo/client';
import { logger } from '../../shared/adapters/logger';
import { importHandlerStack } from '../support/import-handler-stack';
import { HEADER, allCases, dropClient, putCsv } from '../support/imports';

// Chunks of 25 rows: a debtor's rows land in the same chunk, the next one (planned while the
// one before is still being written) and one further on.
const stack = importHandlerStack();

const DEBTORS = 100;
const phone = (d: number) => `07700 9${String(d).padStart(5, '0')}`;

/**
 * Per debtor: two invoices side by side; about 20 rows later (often the next chunk) a repeat of
 * the first one and an invoice under another name that only the phone number ties to the
 * debtor; one more invoice some 65 rows later (two chunks on or more). Debtors start about 5
 * rows apart, so every chunk holds several debtors' later rows.
 */
function file(): { csv: string; chunksOf: Map<number, Set<number>>; repeatNext: number } {
  const rows: { at: number; d: number; line: string; repeat?: boolean }[] = [];
  for (let d = 0; d < DEBTORS; d++) {
    const at = d * 3;
    rows.push({ at, d, line: `,Debtor ${d},d${d}@example.com,${phone(d)},,D${d}-0,2025-12-01,10.00,,` });
    rows.push({ at: at + 0.5, d, line: `,Debtor ${d},d${d}@example.com,,,D${d}-1,2025-12-01,1.00,,` });
    rows.push({ at: at + 12, d, repeat: true, line: `,Debtor ${d},d${d}@example.com,,,d${d}-0 ,2025-12-01,10.00,,` });
    rows.push({ at: at + 13, d, line: `,Someone Else,,${phone(d)},,D${d}-2,2025-12-01,0.10,,` });
    rows.push({ at: at + 40, d, line: `,Debtor ${d},d${d}@example.com,,,D${d}-3,2025-12-01,0.01,,` });
  }
  rows.sort((a, b) => a.at - b.at);
  // The chunks that add each debtor's invoices, and the debtors whose repeat is in the chunk right after their first row's.
  const chunksOf = new Map<number, Set<number>>();
  const firstChunk = new Map<number, number>();
  let repeatNext = 0;
  rows.forEach((r, i) => {
    const chunk = Math.floor(i / 25);
    if (!firstChunk.has(r.d)) firstChunk.set(r.d, chunk);
    if (r.repeat) repeatNext += chunk === firstChunk.get(r.d)! + 1 ? 1 : 0;
    else chunksOf.set(r.d, (chunksOf.get(r.d) ?? new Set()).add(chunk));
  });
  return { csv: [HEADER, ...rows.map((r) => r.line)].join('\n'), chunksOf, repeatNext };
}

it('plans each chunk while the one before is written and gets what a chunk-by-chunk import gets', async () => {
  const created = await stack().api.post('/clients', { companyInfo: { name: 'Acme', address: { country: 'GB' } }, finances: { currency: 'EUR' } });
  const clientId = created.body.clientId as string;
  const key = `${clientId}/spread.csv`;
  const s3 = dropClient(stack().urls.s3);
  const { csv, chunksOf, repeatNext } = file();
  await putCsv(s3, key, csv);
  s3.destroy();
  const head = (await dropBucket.head('recoup-drop', key))!;
  const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'recoup-drop' }, object: { key, eTag: head.etag } } }] } as unknown as S3Event;

  // Writes reach the table late: the next chunk's reads overtake them, so what a chunk being
  // written will hold must come from its plan, not from the table.
  const doc = dynamo();
  const send = doc.send.bind(doc) as (...args: unknown[]) => Promise<unknown>;
  (doc as unknown as { send: unknown }).send = async (...args: unknown[]) => {
    if ((args[0] as object).constructor.name === 'BatchWriteCommand') await new Promise((r) => setTimeout(r, 40));
    return send(...args);
  };
  const warn = vi.spyOn(logger, 'warn');
  const { handler } = await import('../../functions/import-csv/handler');
  const [result] = await handler(event, { getRemainingTimeInMillis: () => 900_000 });
  expect(result).toMatchObject({ outcome: 'done', status: 'completed' });
  // The layout does what it says: for most debtors the repeat is in the very next chunk, and invoices come in three chunks or more.
  expect(repeatNext).toBeGreaterThan(DEBTORS / 2);
  expect([...chunksOf.values()].filter((c) => c.size >= 3).length).toBeGreaterThan(DEBTORS / 2);
  // What a chunk took from its predecessor's plan matched what that chunk wrote: no case was found changed.
  expect(warn.mock.calls.filter(([m]) => String(m).includes('planning the chunk again'))).toEqual([]);
  warn.mockRestore();
  (doc as unknown as { send: unknown }).send = send;

  const imp = (await stack().api.get(`/imports/${(result as { importId: string }).importId}`)).body;
  expect(imp.counts).toEqual({ rows: 5 * DEBTORS, created: DEBTORS, merged: 3 * DEBTORS, duplicates: DEBTORS, rejected: 0 });
  const cases = await allCases(stack().api, clientId);
  expect(cases).toHaveLength(DEBTORS);
  for (const c of cases) {
    const d = Number(/^Debtor (\d+)$/.exec(c.debtor.name)![1]);
    expect(c.invoices.map((i: any) => i.invoiceNumber)).toEqual([`D${d}-0`, `D${d}-1`, `D${d}-2`, `D${d}-3`]);
    expect(c.ledger.principalMinor).toBe(1111);
    // Created by its first chunk, then rewritten once by each later chunk that adds an invoice.
    expect(c.version).toBe(chunksOf.get(d)!.size);
    const timeline = (await stack().api.get(`/cases/${c.caseId}/timeline`)).body.items;
    const imported = timeline.filter((e: any) => e.type === 'imported');
    expect(imported).toHaveLength(1);
    const added = timeline.filter((e: any) => e.type === 'invoice_added').map((e: any) => e.data.invoiceNumber);
    expect([...imported[0].data.invoices, ...added].sort()).toEqual([`D${d}-0`, `D${d}-1`, `D${d}-2`, `D${d}-3`]);
  }
});
