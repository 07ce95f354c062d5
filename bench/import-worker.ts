/**
 * One measured run in its own process, so its peak memory is the importer's alone (dynalite and
 * s3rver live in the parent). Prints one JSON line. Modes:
 * - `import`: runs the import handler on an uploaded object (BENCH_EVENT) and reports every item
 *   it wrote, by item type (`case`, `match-key`, `invoice-ref`, `timeline`, `import`, ...), with
 *   one sample item of each type;
 * - `raw <rows>`: BatchWrites a given mix of items (BENCH_MIX: `[{ item, count }]`, copies of the
 *   samples under fresh keys) in the importer's own batching: one batchPut call per chunk of
 *   IMPORT_CHUNK_ROWS rows, 25 items a request, the same requests in flight.
 */
import '../infra/local/polyfills';
import { useClock } from '../shared/adapters/clock';
import { config } from '../shared/adapters/config';
import { batchPut } from '../shared/adapters/dynamo/batch';
import { dynamo } from '../shared/adapters/dynamo/client';
import { localStartQueue } from '../shared/adapters/start-queue';
import { VirtualClock } from '../infra/local/virtual-clock';

type Item = Record<string, unknown>;

useClock(new VirtualClock(new Date('2026-01-05T09:00:00.000Z')));
const doc = dynamo();
const send = doc.send.bind(doc) as (...args: unknown[]) => Promise<unknown>;
const ops: Record<string, number> = {};
const byType: Record<string, number> = {};
const samples: Record<string, Item> = {};
let itemsWritten = 0;
const written = (item: Item | undefined, fallbackType: string) => {
  itemsWritten++;
  const type = typeof item?.type === 'string' ? item.type : fallbackType;
  byType[type] = (byType[type] ?? 0) + 1;
  if (item && !samples[type]) samples[type] = item;
};
(doc as unknown as { send: unknown }).send = async (...args: unknown[]) => {
  const cmd = args[0] as { constructor: { name: string }; input: { RequestItems?: Record<string, { PutRequest?: { Item: Item } }[]>; Item?: Item } };
  const name = cmd.constructor.name;
  ops[name] = (ops[name] ?? 0) + 1;
  if (name === 'BatchWriteCommand') for (const r of Object.values(cmd.input.RequestItems ?? {})[0] ?? []) written(r.PutRequest?.Item, 'batch-put');
  if (name === 'PutCommand') written(cmd.input.Item, 'put');
  if (name === 'UpdateCommand') written(undefined, 'update');
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
  console.log(JSON.stringify({ mode, seconds, result, itemsWritten, byType, samples, ops, starts, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const rows = Number(process.argv[3]);
  const mix = JSON.parse(process.env.BENCH_MIX!) as { item: Item; count: number }[];
  const chunkRows = config().IMPORT_CHUNK_ROWS;
  // Fresh keys, index sort keys included (each real case has its own), everything else as written.
  const copy = (item: Item, i: number): Item => {
    const c: Item = { ...item, pk: `${item.pk as string}#raw${i}` };
    for (const k of ['gsi1sk', 'gsi2sk']) if (typeof c[k] === 'string') c[k] = `${c[k] as string}#raw${i}`;
    return c;
  };
  // Chunk by chunk, each kind of item in proportion to the rows, as the importer writes them.
  for (let r0 = 0; r0 < rows; r0 += chunkRows) {
    const r1 = Math.min(rows, r0 + chunkRows);
    const items: Item[] = [];
    for (const { item, count } of mix) {
      const from = Math.floor((count * r0) / rows);
      const to = Math.floor((count * r1) / rows);
      for (let i = from; i < to; i++) items.push(copy(item, i));
    }
    await batchPut(items);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ mode, seconds, itemsWritten, ops, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}
