/**
 * `npm run bench:import-stack -- --rows 200000`: a large file through the running local stack, as
 * a user would do it. Starts `npm start` (its own process, a temp data folder, every listener on a
 * free port), creates a client, uploads a generated CSV (about 100 bytes a row:
 * 200,000 rows are about 20 MB) into the drop bucket with an S3 client, and follows the import
 * through `GET /imports/{importId}` until it finishes. Prints the import's rows/s, the stack's
 * peak and final memory (RSS of the stack's process: the handlers, dynalite and s3rver, SES local
 * and Step Functions all run in it) and where the import ended. Not a test.
 * Options: `--rows N`, `--timeout-min M` (default 30), `--max-rss-mib M` (default 6000:
 * the run stops there), `--stack-log FILE` (everything the stack prints, kept in FILE); BENCH_HEAP_SNAPSHOT=1 runs
 * the stack with `--heapsnapshot-signal=SIGUSR2` and takes a snapshot halfway through the import;
 * BENCH_STACK_NODE_ARGS adds Node options to the stack's process (for example `--cpu-prof`).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startRecoup } from '../test/support/recoup-process';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 200_000);
const TIMEOUT_MS = arg('timeout-min', 30) * 60_000;
/** The run stops when the stack's RSS passes this, so a growing stack cannot take a shared machine's memory. */
const MAX_RSS_MIB = arg('max-rss-mib', 6000);
const STACK_LOG = process.argv.includes('--stack-log') ? process.argv[process.argv.indexOf('--stack-log') + 1] : undefined;
const TOKEN = 'bench-admin-token';
let apiUrl = '';

/** About 1.5 invoices per debtor, a debtor's second invoice a few rows after its first. */
async function generate(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('client_case_number,debtor_name,debtor_email,debtor_phone,debtor_address_line1,debtor_postcode,debtor_city,invoice_number,invoice_date,due_date,amount,description\n');
  let written = 0;
  for (let d = 0; written < rows; d++) {
    const line = (k: number) =>
      `C${d},"Debtor ${d}, Ltd",debtor${d}@example.com,07700 ${String(900000 + (d % 99999)).padStart(6, '0')},${d} High Street,N${d % 90} ${d % 9}AB,London,INV-${d}-${k},2025-11-01,2025-12-01,${(d % 5000) + 10}.${String(d % 100).padStart(2, '0')},"Services, November"\n`;
    for (let k = 0; k < (d % 2 === 0 ? 2 : 1) && written < rows; k++, written++) {
      if (!out.write(line(k))) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}

/** Resident memory of a process in MiB (Linux). */
function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function api(path: string, init: { method?: string; body?: unknown } = {}): Promise<any> {
  const res = await fetch(`${apiUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-bench-stack-'));
  const file = join(dir, 'cases.csv');
  await generate(file, ROWS);
  const bytes = statSync(file).size;
  console.log(`file: ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB`);

  let log = '';
  const stackLog = STACK_LOG ? createWriteStream(STACK_LOG) : undefined;
  const children: ChildProcess[] = [];
  const started = startRecoup(join(dir, 'data'), TOKEN, children, {
    nodeArgs: [...(process.env.BENCH_HEAP_SNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2'] : []), ...(process.env.BENCH_STACK_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    // A first start in a checkout builds the console.
    startTimeoutMs: 180_000,
    onOutput: (c) => {
      log = (log + c).slice(-20_000);
      if (stackLog) stackLog.write(c);
    },
  });
  started.catch(() => undefined);
  const stack = children[0]!;
  const pid = stack.pid!;
  try {
    const urls = await started;
    apiUrl = urls.api;
    const idleRss = rssMiB(pid);
    const { clientId } = await api('/clients', { method: 'POST', body: { companyInfo: { name: 'Bench Ltd', address: { country: 'GB' } }, finances: { currency: 'EUR' } } });
    const s3 = new S3Client({ endpoint: urls.s3, forcePathStyle: true, region: 'eu-west-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const t0 = Date.now();
    await s3.send(new PutObjectCommand({ Bucket: 'recoup-drop', Key: `${clientId}/cases.csv`, Body: createReadStream(file), ContentLength: bytes }));
    s3.destroy();
    const uploadS = (Date.now() - t0) / 1000;

    let peak = idleRss;
    let peakAtRow = 0;
    let snapshotTaken = false;
    let imp: any;
    for (let lastPrint = 0; ; ) {
      if (stack.exitCode !== null) throw new Error(`the stack exited (${stack.exitCode}) during the import:\n${log.slice(-3000)}`);
      const rss = rssMiB(pid);
      // A heap snapshot or a long GC pause may keep the API from answering for a while.
      imp = (await api(`/clients/${clientId}/imports`).catch(() => ({ items: [imp] }))).items[0];
      const done = imp?.progress?.rowsDone ?? imp?.counts?.rows ?? 0;
      if (rss > peak) [peak, peakAtRow] = [rss, done];
      if (rss > MAX_RSS_MIB) throw new Error(`stopped: the stack's RSS reached ${rss.toFixed(0)} MiB (over --max-rss-mib ${MAX_RSS_MIB}) at row ${done} of ${ROWS}`);
      if (process.env.BENCH_HEAP_SNAPSHOT && !snapshotTaken && done >= ROWS / 2) {
        process.kill(pid, 'SIGUSR2');
        snapshotTaken = true;
      }
      if (Date.now() - lastPrint > 10_000) {
        const threads = await api('/local/memory').catch(() => undefined);
        console.log(`  ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s  ${imp?.status ?? 'not yet'}  rows ${done}  stack RSS ${rss.toFixed(0)} MiB${threads ? `  heaps (MiB): ${JSON.stringify(threads)}` : ''}`);
        lastPrint = Date.now();
      }
      if (imp && (imp.status === 'completed' || imp.status === 'failed')) break;
      if (Date.now() - t0 > TIMEOUT_MS) throw new Error(`the import did not finish in ${TIMEOUT_MS / 60_000} min: ${JSON.stringify(imp)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (Date.parse(imp.finishedAt ?? new Date().toISOString()) - Date.parse(imp.startedAt)) / 1000;
    const wall = (Date.now() - t0) / 1000;
    // Settle: the workflow starts the import queued go on after it finished.
    await new Promise((r) => setTimeout(r, 5_000));
    const after = rssMiB(pid);
    console.log(`import ${imp.status}: ${JSON.stringify(imp.counts)}${imp.failureReason ? `\n  failure: ${imp.failureReason}` : ''}`);
    console.log(`upload ${uploadS.toFixed(1)} s; import ${wall.toFixed(1)} s from upload to finished (${(imp.counts.rows / wall).toFixed(0)} rows/s)${Number.isFinite(seconds) && seconds > 0 ? `; the record's own start-to-finish is on the virtual clock` : ''}`);
    console.log(`stack RSS: idle ${idleRss.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB (at row ${peakAtRow}), 5 s after the import ${after.toFixed(0)} MiB`);
    try {
      console.log(`start queue: ${JSON.stringify(await api('/local/start-queue'))}`.slice(0, 400));
      const executions: { count: number; byStatus: Record<string, number>; interpreterRuns: number } = await api('/local/step-functions/executions?count');
      console.log(`executions started: ${executions.count} ${JSON.stringify(executions.byStatus)}, ${executions.interpreterRuns} of them with their interpreter in memory`);
    } catch {
      // not every local runtime has those routes
    }
    if (imp.status !== 'completed') process.exitCode = 1;
  } finally {
    stack.kill('SIGTERM');
    await Promise.race([once(stack, 'exit'), new Promise((r) => setTimeout(r, 10_000))]);
    if (stack.exitCode === null) stack.kill('SIGKILL');
    stackLog?.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
