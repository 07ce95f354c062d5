/**
 * One measured run in its own process, so its peak memory is the importer's alone (dynalite and
 * s3rver live in the parent). Modes: `import` runs the import handler on an uploaded object;
 * `raw` BatchWrites the same number of case-shaped items. Prints one JSON line.
 */
import '../infra/local/polyfills';
import { useClock } from '../shared/adapters/clock';
import { batchPut } from '../shared/adapters/dynamo/batch';
import { dynamo } from '../shared/adapters/dynamo/client';
import { cases } from '../shared/adapters/dynamo/case-repository';
import { localStartQueue } from '../shared/adapters/start-queue';
import { VirtualClock } from '../infra/local/virtual-clock';
import type { Case } from '../shared/schemas/case';

useClock(new VirtualClock(new Date('2026-01-05T09:00:00.000Z')));
const doc = dynamo();
const send = doc.send.bind(doc) as (...args: unknown[]) => Promise<unknown>;
const ops: Record<string, number> = {};
let itemsWritten = 0;
(doc as unknown as { send: unknown }).send = async (...args: unknown[]) => {
  const cmd = args[0] as { constructor: { name: string }; input: { RequestItems?: Record<string, unknown[]> } };
  ops[cmd.constructor.name] = (ops[cmd.constructor.name] ?? 0) + 1;
  if (cmd.constructor.name === 'BatchWriteCommand') itemsWritten += Object.values(cmd.input.RequestItems ?? {})[0]?.length ?? 0;
  if (cmd.constructor.name === 'PutCommand' || cmd.constructor.name === 'UpdateCommand') itemsWritten++;
  return send(...args);
};
let starts = 0;
localStartQueue.subscribe((m) => void (starts += m.length));

const mode = process.argv[2];
const started = performance.now();
if (mode === 'import') {
  const { handler } = await import('../functions/import-csv/handler');
  const [result] = await handler(JSON.parse(process.env.BENCH_EVENT!), { getRemainingTimeInMillis: () => 900_000 });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ mode, seconds, result, itemsWritten, ops, starts, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const n = Number(process.argv[3]);
  const at = '2026-01-05T09:00:00.000Z';
  const item = (i: number) =>
    cases.toItem({
      caseId: `cs_raw${i}`,
      clientId: 'cl_raw',
      debtorId: `db_raw${i}`,
      debtor: { type: 'person', name: `Debtor ${i}`, email: `d${i}@example.com`, address: { postcode: 'SW1A 1AA' } },
      invoices: [{ invoiceNumber: `R-${i}`, dueDate: '2025-12-01', amountMinor: 12345, currency: 'EUR' }],
      ledger: { currency: 'EUR', principalMinor: 12345, costsMinor: 0, interestMinor: 0, paidMinor: 0, annualRatePercent: 0 },
      phase: 'breathing_space',
      progress: {},
      contactAllowed: {},
      version: 1,
      createdAt: at,
      updatedAt: at,
    } as Case);
  // Same batching as the importer (25 per request, 8 in flight), fed in chunks so memory stays small.
  for (let i = 0; i < n; i += 2000) await batchPut(Array.from({ length: Math.min(2000, n - i) }, (_, j) => item(i + j)));
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ mode, seconds, itemsWritten, ops, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}
