import { spawn } from 'node:child_process';
import type { S3Event } from 'aws-lambda';
import { expect, it } from 'vitest';
import { dropBucket } from '../../shared/adapters/drop-bucket';
import { importHandlerStack } from '../support/import-handler-stack';
import { HEADER, allCases, dropClient, putCsv } from '../support/imports';

// Small chunks, so the import has many checkpoints to die between.
const stack = importHandlerStack();

/** 300 debtors with two invoices each (adjacent rows, so pairs straddle the odd-sized chunks), plus 20 repeated invoices. */
function file(): string {
  const lines = [HEADER];
  for (let d = 0; d < 300; d++) {
    for (let k = 0; k < 2; k++) lines.push(`,Debtor ${d},d${d}@example.com,,,D${d}-${k},2025-12-01,${d + 1}.0${k},,`);
    if (d % 15 === 14) lines.push(`,Debtor ${d},d${d}@example.com,,,D${d}-0,2025-12-01,${d + 1}.00,,`);
  }
  return lines.join('\n');
}

it('a crash part-way, then a re-run, imports every row exactly once', async () => {
  const created = await stack().api.post('/clients', { companyInfo: { name: 'Acme' }, finances: { currency: 'EUR' } });
  const clientId = created.body.clientId as string;
  const key = `${clientId}/big.csv`;
  const s3 = dropClient(stack().urls.s3);
  await putCsv(s3, key, file());
  s3.destroy();
  const head = (await dropBucket.head('recoup-drop', key))!;
  const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'recoup-drop' }, object: { key, eTag: head.etag } } }] } as unknown as S3Event;

  // 1. The import runs in a child process that is killed (SIGKILL) in the middle of a chunk, several chunks in.
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/import-child.ts'], {
    env: { ...process.env, CHILD_EVENT: JSON.stringify(event), CHILD_NOW: stack().clock.now().toISOString(), CHILD_KILL_AFTER_BATCH_WRITES: '20' },
    stdio: 'ignore',
  });
  const signal = await new Promise((r) => child.once('exit', (_code, sig) => r(sig)));
  expect(signal).toBe('SIGKILL');
  const atKill = (await stack().api.get(`/clients/${clientId}/imports`)).body.items[0];
  expect(atKill.status).toBe('processing');
  expect(atKill.progress.rowsDone).toBeGreaterThan(0);
  expect(atKill.progress.rowsDone).toBeLessThan(620);

  // 2. The dead process's lease lapses; the same event replayed resumes the import here.
  await stack().clock.advanceTo(new Date(stack().clock.now().getTime() + 10 * 60_000));
  const { handler } = await import('../../functions/import-csv/handler');
  const [result] = await handler(event, { getRemainingTimeInMillis: () => 900_000 });
  expect(result).toMatchObject({ outcome: 'done', status: 'completed' });

  const imp = (await stack().api.get(`/imports/${atKill.importId}`)).body;
  expect(imp.counts).toEqual({ rows: 620, created: 300, merged: 300, duplicates: 20, rejected: 0 });
  // The killed run was the client's first import (lookups only for keys it wrote); the re-run has no record of what it wrote, so it looks up everything.
  expect(atKill.lookups.mode).toBe('first-import');
  expect(imp.lookups.mode).toBe('first-import-then-full');
  const cases = await allCases(stack().api, clientId);
  expect(cases).toHaveLength(300);
  const invoices = cases.flatMap((c) => c.invoices.map((i: any) => i.invoiceNumber));
  expect(invoices).toHaveLength(600);
  expect(new Set(invoices).size).toBe(600);
  for (const c of cases) {
    const d = Number(/^Debtor (\d+)$/.exec(c.debtor.name)![1]);
    expect(c.ledger.principalMinor).toBe(2 * (d + 1) * 100 + 1);
  }
  const timelines = await Promise.all(cases.map((c) => stack().api.get(`/cases/${c.caseId}/timeline`)));
  for (const t of timelines) expect(t.body.items.filter((e: any) => e.type === 'imported')).toHaveLength(1);

  // 3. And once more: nothing changes.
  const [again] = await handler(event, { getRemainingTimeInMillis: () => 900_000 });
  expect(again).toMatchObject({ outcome: 'done', status: 'completed' });
  expect(await allCases(stack().api, clientId)).toHaveLength(300);
});
