/**
 * `npm run bench:import`: imports generated case files into a fresh local stack and, in the same
 * run and the same dynalite, BatchWrites raw items. For 10k and 100k rows it prints:
 * - import rows/s and DynamoDB items written per row (by item type);
 * - raw BatchWrite rows/s at the import's own items per row (copies of the very items the import
 *   wrote, in the same mix): import / this is THE figure of the issue (goal >= 0.85), "the same
 *   number of items" being the items the import itself wrote;
 * - for reference, raw BatchWrite rows/s at one case item per row, and import / that;
 * - CPU seconds of each run: the measured process, and dynalite's (the stack's process, where
 *   dynalite runs on a thread of its own), so one can see which side a change moves;
 * - the importer's peak memory (it should not grow with the file);
 * - then a second file into the now-populated client, measured the same way: the same shape, the
 *   same debtors, half of the invoices already imported (duplicates), the other half new (added
 *   to the debtors' open cases). The first file is a client's first import (lookups only for keys
 *   it wrote itself) and is the issue's figure; the second does every lookup.
 * The raw side is the plainest strong BatchWrite loop: 25 items a request, the importer's number
 * of requests always in flight (IMPORT_WRITE_CONCURRENCY; `--inflight N` sets both sides), the
 * same SDK client and retries. Every measured run starts on an empty table (deleted and created
 * again in the same dynalite), so neither side pays for the items the other wrote, and a short
 * unmeasured import first warms dynalite up, so the first measured run is not its warm-up.
 * Options: `-- --rows 100000` (the large file), `--small 10000`, `--inflight 8`, `--repeat 2` (each
 * side that many times, interleaved, the fastest counting: on a shared machine a run is only
 * ever slowed down by others' work); with
 * BENCH_CPU_PROF=1 the import runs write a CPU profile to `.bench/prof/`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { startLocalStack } from '../infra/local/stack';
import { FREE_PORTS } from '../infra/local/ports';
import { config } from '../shared/adapters/config';
import { createTableInput } from '../shared/adapters/dynamo/table-definition';
import { dropBucket } from '../shared/adapters/drop-bucket';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const LARGE = arg('rows', 100_000);
const SMALL = arg('small', 10_000);
/** Runs of each side per file size; the fastest counts. */
const REPEAT = arg('repeat', 1);
const INFLIGHT = process.argv.includes('--inflight') ? { IMPORT_WRITE_CONCURRENCY: String(arg('inflight', 8)) } : {};

/**
 * About 1.5 invoices per debtor: half the debtors have two, mostly close together in the file, some far apart.
 * `second`: the same debtors and rows, but the invoices of every other debtor renamed (new ones); the rest repeat the first file's.
 */
async function generate(path: string, rows: number, second = false): Promise<void> {
  const out = createWriteStream(path);
  out.write('client_case_number,debtor_name,debtor_email,debtor_phone,debtor_address_line1,debtor_postcode,debtor_city,invoice_number,invoice_date,due_date,amount,description\n');
  let written = 0;
  let debtor = 0;
  const later: { at: number; line: string }[] = [];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  while (written < rows) {
    while (later.length && later[0]!.at <= written && written < rows) {
      out.write(later.shift()!.line);
      written++;
    }
    if (written >= rows) break;
    const d = debtor++;
    const phone = rand() < 0.7 ? `07700 ${String(900000 + (d % 99999)).padStart(6, '0')}` : '';
    const email = rand() < 0.9 ? `debtor${d}@example.com` : '';
    const line = (k: number) =>
      `C${d},"Debtor ${d}, Ltd",${email},${phone},${d} High Street,N${d % 90} ${d % 9}AB,London,INV-${d}-${k}${second && d % 2 === 1 ? 'B' : ''},2025-11-01,2025-12-01,${(d % 5000) + 10}.${String(d % 100).padStart(2, '0')},"Services, November"\n`;
    out.write(line(0));
    written++;
    if (rand() < 0.5) {
      const gap = rand() < 0.9 ? 1 + Math.floor(rand() * 200) : 1 + Math.floor(rand() * rows);
      later.push({ at: written + gap, line: line(1) });
      later.sort((a, b) => a.at - b.at);
    }
  }
  out.end();
  await once(out, 'finish');
}

function worker(args: string[], env: Record<string, string> = {}): Promise<any> {
  return new Promise((resolve, reject) => {
    // EMF metric lines on stdout would only get in the way of the result line.
    const child = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF && args[0] === 'import' ? ['--cpu-prof', '--cpu-prof-dir=.bench/prof'] : []), '--import', 'tsx', 'bench/import-worker.ts', ...args], { env: { ...process.env, POWERTOOLS_METRICS_DISABLED: 'true', ...INFLIGHT, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    // This process is dynalite's (on its thread) and s3rver's: its CPU while the worker runs is the stand-ins' work.
    const cpu0 = process.cpuUsage();
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${out.slice(-2000)}`));
      const u = process.cpuUsage(cpu0);
      resolve({ ...JSON.parse(out.trim().split('\n').pop()!), standInCpuSeconds: (u.user + u.system) / 1e6 });
    });
  });
}

/** An empty table for the next measured run: the same dynalite, nothing left from the run before. */
async function resetTable(endpoint: string): Promise<void> {
  const ddb = new DynamoDBClient({ endpoint });
  const TableName = config().TABLE_NAME;
  try {
    await ddb.send(new DeleteTableCommand({ TableName }));
    for (;;) {
      try {
        await ddb.send(new DescribeTableCommand({ TableName }));
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        break;
      }
    }
    await ddb.send(new CreateTableCommand(createTableInput(TableName)));
    while ((await ddb.send(new DescribeTableCommand({ TableName }))).Table?.TableStatus !== 'ACTIVE') await new Promise((r) => setTimeout(r, 50));
  } finally {
    ddb.destroy();
  }
}

interface ImportView {
  status: string;
  counts: unknown;
  lookups?: { mode: string; made: number; skipped: number };
}
const lookups = (r: ImportView) => (r.lookups ? `${r.lookups.mode}: ${r.lookups.made} keys read, ${r.lookups.skipped} skipped` : 'not recorded');

const rate = (rows: number, seconds: number) => `${(rows / seconds).toFixed(0).padStart(6)} rows/s`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-bench-'));
  mkdirSync('.bench', { recursive: true });
  const stack = await startLocalStack({ dataDir: dir, inMemory: true, ports: FREE_PORTS, plugins: [], startTime: new Date('2026-01-05T09:00:00.000Z') });
  const s3 = new S3Client({ endpoint: stack.urls.s3, forcePathStyle: true, region: 'eu-west-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED' });
  try {
    const peaks: string[] = [];
    const newClient = async () => {
      const clientRes = await fetch(`${stack.urls.api}/clients`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ companyInfo: { name: 'Bench Ltd', address: { country: 'GB' } }, finances: { currency: 'EUR' } }) });
      return ((await clientRes.json()) as { clientId: string }).clientId;
    };
    const importFile = async (rows: number, clientId?: string, second = false) => {
      clientId ??= await newClient();
      const name = `cases-${rows}${second ? '-second' : ''}`;
      const path = join('.bench', `${name}.csv`);
      await generate(path, rows, second);
      const key = `${clientId}/${name}.csv`;
      await s3.send(new PutObjectCommand({ Bucket: 'recoup-drop', Key: key, Body: createReadStream(path), ContentLength: statSync(path).size }));
      const head = (await dropBucket.head('recoup-drop', key))!;
      const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'recoup-drop' }, object: { key, eTag: head.etag } } }] };
      const imp = await worker(['import'], { BENCH_EVENT: JSON.stringify(event) });
      const record = (await (await fetch(`${stack.urls.api}/imports/${imp.result.importId}`, { headers: { authorization: `Bearer ${stack.adminToken}` } })).json()) as ImportView;
      return { path, clientId, imp, record };
    };
    /** The import's own items, copied under fresh keys, in the same numbers. */
    const mixOf = (imp: any) => Object.entries(imp.byType as Record<string, number>).flatMap(([type, count]) => (imp.samples[type] ? [{ item: imp.samples[type], count }] : []));
    // Warm-up (not measured): dynalite's code gets hot before the first measured run.
    await resetTable(stack.urls.dynamo);
    await importFile(2_000);
    for (const rows of [SMALL, LARGE]) {
      // Each side REPEAT times, interleaved; the fastest of each counts (others' work on the machine only ever slows a run down).
      const runs: { imp: any; rawSame: any; rawOne: any; record: ImportView; imp2: any; rawSame2: any; record2: ImportView }[] = [];
      let path = '';
      let path2 = '';
      let unsampled: string[] = [];
      for (let r = 0; r < REPEAT; r++) {
        await resetTable(stack.urls.dynamo);
        const done = await importFile(rows);
        path = done.path;
        const { imp, record } = done;
        // The second file goes into the client the first one populated.
        const done2 = await importFile(rows, done.clientId, true);
        path2 = done2.path;
        unsampled = Object.keys(imp.byType).filter((t) => !imp.samples[t]);
        await resetTable(stack.urls.dynamo);
        const rawSame = await worker(['raw', String(rows)], { BENCH_MIX: JSON.stringify(mixOf(imp)) });
        await resetTable(stack.urls.dynamo);
        const rawOne = await worker(['raw', String(rows)], { BENCH_MIX: JSON.stringify([{ item: imp.samples.case, count: rows }]) });
        await resetTable(stack.urls.dynamo);
        const rawSame2 = await worker(['raw', String(rows)], { BENCH_MIX: JSON.stringify(mixOf(done2.imp)) });
        runs.push({ imp, rawSame, rawOne, record, imp2: done2.imp, rawSame2, record2: done2.record });
      }
      const fastest = <K extends 'imp' | 'rawSame' | 'rawOne' | 'imp2' | 'rawSame2'>(k: K) => runs.map((r) => r[k]).reduce((a, b) => (b.seconds < a.seconds ? b : a));
      const all = (k: 'imp' | 'rawSame' | 'rawOne' | 'imp2' | 'rawSame2') => (REPEAT > 1 ? `; runs ${runs.map((r) => `${r[k].seconds.toFixed(1)} s${k === 'imp' || k === 'imp2' ? ` ${r[k].maxRssMb.toFixed(0)} MB` : ''}`).join(', ')}` : '');
      const imp = fastest('imp');
      const rawSame = fastest('rawSame');
      const rawOne = fastest('rawOne');
      const record = runs.find((r) => r.imp === imp)!.record;

      const perRow = imp.itemsWritten / rows;
      const mix = Object.entries(imp.byType as Record<string, number>)
        .sort((a, b) => b[1] - a[1])
        .map(([t, n]) => `${t} ${(n / rows).toFixed(2)}`)
        .join(', ');
      console.log(`\n${rows.toLocaleString('en')} rows (${(statSync(path).size / 1e6).toFixed(1)} MB): import ${record.status} ${JSON.stringify(record.counts)}`);
      const cpu = (r: { cpuSeconds: number; standInCpuSeconds: number }) => `CPU ${r.cpuSeconds.toFixed(1)} s, dynalite+s3rver ${r.standInCpuSeconds.toFixed(1)} s`;
      console.log(`  import:                          ${rate(rows, imp.seconds)}  (${imp.seconds.toFixed(1)} s, ${cpu(imp)}${all('imp')}; ${perRow.toFixed(2)} items written per row: ${mix}; ${imp.starts} starts queued; peak RSS ${imp.maxRssMb.toFixed(0)} MB; code loaded in ${imp.loadSeconds.toFixed(1)} s before)`);
      console.log(`  raw BatchWrite, ${perRow.toFixed(2)} items/row:    ${rate(rows, rawSame.seconds)}  (${rawSame.seconds.toFixed(1)} s, ${cpu(rawSame)}${all('rawSame')}; ${rawSame.itemsWritten} copies of the import's own items${unsampled.length ? `, without ${unsampled.join(', ')}` : ''}; ${rawSame.inFlight} requests in flight)`);
      console.log(`  ratio import / raw at the import's own items per row (the issue's figure, goal >= 0.85): ${(rawSame.seconds / imp.seconds).toFixed(2)}`);
      console.log(`  for reference: raw BatchWrite, 1 item/row: ${rate(rows, rawOne.seconds)} (${rawOne.seconds.toFixed(1)} s, ${cpu(rawOne)}${all('rawOne')}; ${rawOne.itemsWritten} case items); import / that: ${(rawOne.seconds / imp.seconds).toFixed(2)}`);
      console.log(`  import requests: ${JSON.stringify(imp.ops)}; index lookups ${lookups(record)}`);

      const imp2 = fastest('imp2');
      const rawSame2 = fastest('rawSame2');
      const record2 = runs.find((r) => r.imp2 === imp2)!.record2;
      const perRow2 = imp2.itemsWritten / rows;
      console.log(`  second file into a populated client (${(statSync(path2).size / 1e6).toFixed(1)} MB, the same debtors, half the invoices already imported, half new): import ${record2.status} ${JSON.stringify(record2.counts)}`);
      console.log(`    import:                        ${rate(rows, imp2.seconds)}  (${imp2.seconds.toFixed(1)} s, ${cpu(imp2)}${all('imp2')}; ${perRow2.toFixed(2)} items written per row; peak RSS ${imp2.maxRssMb.toFixed(0)} MB)`);
      console.log(`    raw BatchWrite, ${perRow2.toFixed(2)} items/row:  ${rate(rows, rawSame2.seconds)}  (${rawSame2.seconds.toFixed(1)} s, ${cpu(rawSame2)}${all('rawSame2')}; copies of this import's own items)`);
      console.log(`    ratio import / raw at its own items per row (not the issue's figure: this file is mostly reads and few writes): ${(rawSame2.seconds / imp2.seconds).toFixed(2)}`);
      console.log(`    import requests: ${JSON.stringify(imp2.ops)}; index lookups ${lookups(record2)}`);
      peaks.push(`${imp.maxRssMb.toFixed(0)} MB for ${rows.toLocaleString('en')} rows (second file ${imp2.maxRssMb.toFixed(0)} MB)`);
    }
    console.log(`\nPeak memory of the importer: ${peaks.join(', ')}.`);
  } finally {
    s3.destroy();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
