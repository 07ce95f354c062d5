/**
 * Cohort benchmark: N cases (default 20,000) whose first step falls on the same morning, on the
 * local stack with the providers' default quotas enforced (SES 1 email per second, SNS 20 SMS,
 * Connect 2 calls, Lambda 1,000 concurrent). The file arrives at 21:00, after the contact hours:
 * every day-0 email is due at 08:00 the next morning. Prints the emails delivered and given up
 * (goal 0), the refusals for the sending rate on the way, the first and last send and the share
 * delivered inside that first contact window (08:00-20:00 London, which is UTC in January).
 *
 *   npm run bench:cohort                  (20,000 cases)
 *   npm run bench:cohort -- --cases 2000  (a quicker run)
 *   npm run bench:cohort -- --no-spread   (every step at 08:00: the providers' throttling alone paces it)
 */
import '../infra/local/polyfills';
import dc from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../infra/local/stack';
import { FREE_PORTS } from '../infra/local/ports';
import { localStepFunctions } from '../infra/local/step-functions/plugin';
import { apiClient } from '../test/support/local-stack';
import { HEADER, allCases, dropClient, putCsv, waitForImport } from '../test/support/imports';
import { comms, setUpClient } from '../test/support/workflows';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (!v || !/^\d+$/.test(v)) throw new Error(`--${name} needs a whole number, e.g. --${name} 2000`);
  return v;
}
const CASES = Number(option('cases') ?? process.env.CASES ?? 20_000);
const SPREAD = !process.argv.includes('--no-spread');

const ARRIVES = '2026-01-05T21:00:00.000Z';
const WINDOW = { from: '2026-01-06T08:00:00.000Z', to: '2026-01-06T20:00:00.000Z' };
/** Long enough for retries of the last sends of the window, short of the day-3 SMS. */
const UNTIL = '2026-01-07T20:00:00.000Z';

/** Answers of the SES port by status, from Node's HTTP client diagnostics (the handlers' SDK requests). */
function countSesAnswers(sesPort: string) {
  const byStatus = new Map<number, number>();
  dc.subscribe('http.client.response.finish', (msg) => {
    const { request, response } = msg as { request: { getHeader(n: string): unknown }; response: { statusCode?: number } };
    if (String(request.getHeader('host') ?? '').split(':')[1] !== sesPort) return;
    byStatus.set(response.statusCode ?? 0, (byStatus.get(response.statusCode ?? 0) ?? 0) + 1);
  });
  return byStatus;
}

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  }));
  return out;
}

/**
 * Moves the clock to `to` an hour at a time, saying where it is: one advance over a whole
 * contact window of thousands of sends runs longer than an HTTP client waits for an answer.
 */
async function advanceHourly(api: ReturnType<typeof apiClient>, to: string): Promise<void> {
  const end = Date.parse(to);
  for (let at = Date.parse((await api.get('/local/clock')).body.now); at < end; ) {
    at = Math.min(end, at + 3_600_000);
    const t = Date.now();
    const r = await api.post('/local/clock/advance', { to: new Date(at).toISOString() });
    if (r.status !== 200) throw new Error(`advance to ${new Date(at).toISOString()}: ${r.status} ${JSON.stringify(r.body)}`);
    process.stderr.write(`  ${new Date(at).toISOString().slice(0, 16)} reached (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'recoup-bench-cohort-'));
  const stack = await startLocalStack({ dataDir, inMemory: true, ports: FREE_PORTS, adminToken: 'bench-token-123', startTime: new Date('2026-01-05T09:00:00.000Z') });
  const api = apiClient(stack.urls.api, 'bench-token-123');
  try {
    const { clientId } = await setUpClient(api, { companyInfo: { name: 'Cohort Energy' } });
    const patched = await api.patch(`/clients/${clientId}`, { settings: { workflow: { contactHours: { from: 8, to: 20, timeZone: 'Europe/London', spread: SPREAD } } } });
    if (patched.status !== 200) throw new Error(`client: ${JSON.stringify(patched.body)}`);
    await api.post('/local/clock/advance', { to: ARRIVES });

    process.stderr.write(`Importing ${CASES} cases at 21:00 (spread ${SPREAD ? 'on' : 'off'}), then the next day's contact hours...\n`);
    const t0 = Date.now();
    const rows = Array.from({ length: CASES }, (_, i) => [`K${i}`, `Debtor ${i}`, `debtor${i}@example.com`, '', '', `INV-K${i}`, '2025-12-01', `${100 + (i % 50)}.00`, 'EUR', 'energy', 'no-breathing'].join(','));
    const s3 = dropClient(stack.urls.s3);
    await putCsv(s3, `${clientId}/cohort.csv`, [`${HEADER},portfolio`, ...rows].join('\n'));
    s3.destroy();
    const imp = await waitForImport(api, clientId, { key: `${clientId}/cohort.csv` }, 30 * 60_000);
    if (imp.status !== 'completed') throw new Error(`import: ${JSON.stringify(imp)}`);
    const tImported = Date.now();

    const ses = countSesAnswers(new URL(stack.urls.ses).port);
    const cpu0 = process.cpuUsage();
    await advanceHourly(api, WINDOW.to);
    const tWindow = Date.now();
    await advanceHourly(api, UNTIL);
    const tDone = Date.now();
    const cpu = process.cpuUsage(cpu0);

    const cases = await allCases(api, clientId);
    const firstEmails = await inBatches(cases, 16, async (c) => (await comms(api, c.caseId)).find((m) => m.channel === 'email' && m.node === 0));
    const sent = firstEmails.filter((m) => m?.status === 'sent').map((m) => m.at as string).sort();
    const givenUp = firstEmails.filter((m) => !m || m.status !== 'sent');
    const inWindow = sent.filter((at) => at >= WINDOW.from && at < WINDOW.to).length;
    const perSecond = new Map<string, number>();
    for (const at of sent) perSecond.set(at.slice(0, 19), (perSecond.get(at.slice(0, 19)) ?? 0) + 1);
    const busiest = Math.max(0, ...perSecond.values());
    const execs = localStepFunctions().allExecutions();
    const failed = execs.filter((e) => e.status === 'FAILED');
    const refused = [...ses].filter(([s]) => s !== 200).reduce((n, [, c]) => n + c, 0);
    const f = (n: number, d = 1) => n.toFixed(d);

    console.log(`\nRecoup cohort benchmark: ${CASES} cases, first step due at 08:00 the same morning, steps spread ${SPREAD ? 'on' : 'off'}\n`);
    console.log(`  wall time                ${f((tDone - t0) / 1000)} s (import and starts ${f((tImported - t0) / 1000)} s, the first contact window ${f((tWindow - tImported) / 1000)} s, the day after ${f((tDone - tWindow) / 1000)} s)`);
    console.log(`  CPU                      ${f((cpu.user + cpu.system) / 1e6)} s over the two days, ${f((cpu.user + cpu.system) / 1e6 / ((tDone - tImported) / 1000), 2)} of ${availableParallelism()} cores busy`);
    console.log(`  sends delivered          ${sent.length} of ${CASES} first emails`);
    console.log(`  sends given up           ${givenUp.length}   (goal: 0)${givenUp.length ? `; e.g. ${JSON.stringify(givenUp[0] ?? 'no communication')}` : ''}`);
    console.log(`  refused for the rate     ${refused} SES answers (ThrottlingException), each retried by its step`);
    console.log(`  first send               ${sent[0] ?? '-'}`);
    console.log(`  last send                ${sent.at(-1) ?? '-'}`);
    console.log(`  inside the first window  ${f((100 * inWindow) / Math.max(1, sent.length))} % (${inWindow} between 08:00 and 20:00)`);
    console.log(`  busiest second           ${busiest} emails delivered (SES quota: 1 per second)`);
    console.log(`  executions               ${execs.length} (${failed.length} failed)${failed.length ? `; first: ${failed[0]!.error}: ${failed[0]!.cause}` : ''}\n`);
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
