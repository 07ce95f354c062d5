/**
 * One measured run in its own process, so its peak memory is the importer's alone (dynalite and
 * s3rver live in the parent). Prints one JSON line. Modes:
 * - `import`: runs the import handler on an uploaded object (BENCH_EVENT) and reports every item
 *   it wrote, by item type (`case`, `match-key`, `invoice-ref`, `timeline`, `import`, ...), with
 *   one sample item of each type;
 * - `raw <rows>`: BatchWrites a given mix of items (BENCH_MIX: `[{ item, count }]`, copies of the
 *   samples under fresh keys) as the plainest strong loop there is: 25 items a request, a fixed
 *   number of requests in flight all the time (BENCH_INFLIGHT, the importer's own number by
 *   default), no pause anywhere, the kinds of items interleaved as the importer writes them,
 *   the same SDK client and the same retry of unprocessed items (batchPut).
 * Time starts once the code is loaded (the import handler's modules, tsx's compile), so both
 * sides are timed from their first request on; the load time is reported on its own.
 */
import '../infra/local/polyfills';
import { readFileSync } from 'node:fs';
import { useClock } from '../shared/adapters/clock';
import { config } from '../shared/adapters/config';
import { batchPut } from '../shared/adapters/dynamo/batch';
import { dynamo } from '../shared/adapters/dynamo/client';
import { SQSClient } from '@aws-sdk/client-sqs';
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
// Starts go to the parent stack's start queue (START_QUEUE_URL); counted here as they are sent.
let starts = 0;
const sqsSend = SQSClient.prototype.send as (...args: unknown[]) => Promise<unknown>;
(SQSClient.prototype as unknown as { send: unknown }).send = function (this: SQSClient, ...args: unknown[]) {
  starts += ((args[0] as { input: { Entries?: unknown[] } }).input.Entries ?? [undefined]).length;
  return sqsSend.apply(this, args);
};

/**
 * This process's own peak RSS. Not getrusage's maxRSS: on Linux a spawned child inherits its
 * parent's high-water mark through fork and exec, so that figure was the stack's (dynalite's
 * data included) whenever it was larger. VmHWM belongs to this process's own address space; where
 * there is none, sampled RSS stands in.
 */
let sampledRss = process.memoryUsage().rss;
const sampler = setInterval(() => (sampledRss = Math.max(sampledRss, process.memoryUsage().rss)), 20);
sampler.unref();
function peakRssMb(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux
  }
  return Math.max(sampledRss, process.memoryUsage().rss) / 1024 / 1024;
}

const mode = process.argv[2];
const loadStarted = performance.now();
/** CPU seconds of this process (all threads) since `from`. */
const cpuSeconds = (from?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};
if (mode === 'import') {
  const { handler } = await import('../functions/import-csv/handler');
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const [result] = await handler(JSON.parse(process.env.BENCH_EVENT!), { getRemainingTimeInMillis: () => 900_000 });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ mode, seconds, loadSeconds, cpuSeconds: cpuSeconds(cpu0), result, itemsWritten, byType, samples, ops, starts, maxRssMb: peakRssMb() }));
} else {
  const rows = Number(process.argv[3]);
  const mix = JSON.parse(process.env.BENCH_MIX!) as { item: Item; count: number }[];
  const inFlight = Number(process.env.BENCH_INFLIGHT ?? config().IMPORT_WRITE_CONCURRENCY);
  // Fresh keys, index sort keys included (each real case has its own), everything else as written.
  const copy = (item: Item, i: number): Item => {
    const c: Item = { ...item, pk: `${item.pk as string}#raw${i}` };
    for (const k of ['gsi1sk', 'gsi2sk']) if (typeof c[k] === 'string') c[k] = `${c[k] as string}#raw${i}`;
    return c;
  };
  // Every kind of item in proportion to the rows, row by row, as the importer writes them; made
  // as they are sent, so the loop never waits on anything but DynamoDB.
  function* groups(): Generator<Item[]> {
    let group: Item[] = [];
    const made = mix.map(() => 0);
    for (let r = 1; r <= rows; r++) {
      mix.forEach(({ item, count }, k) => {
        for (const to = Math.floor((count * r) / rows); made[k]! < to; made[k]!++) group.push(copy(item, made[k]!));
      });
      if (group.length >= 25) {
        yield group.slice(0, 25);
        group = group.slice(25);
      }
    }
    while (group.length) yield group.splice(0, 25);
  }
  const source = groups();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let next = source.next(); !next.done; next = source.next()) await batchPut(next.value, { concurrency: 1 });
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ mode, seconds, loadSeconds: 0, cpuSeconds: cpuSeconds(cpu0), inFlight, itemsWritten, ops, maxRssMb: peakRssMb() }));
}
