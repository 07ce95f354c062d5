/**
 * What the console costs a person: its bundle (JS and CSS, raw and gzip, per file, and what the
 * first page loads before anything else), then its first load in Chromium against a local stack
 * with its console: time to DOMContentLoaded, to the sign-in button visible, and from the
 * issuer's Sign in to the clients list shown; then a reload, signed in, with the bundles cached.
 * Each a few runs in a fresh browser context (cold cache), median printed.
 * Run: `npm run bench:console` (needs Chromium at /usr/bin/chromium). Prints figures; asserts nothing.
 */
import '../infra/local/polyfills';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CONSOLE_DIR, startConsoleServer, type ConsoleConfig } from '../infra/local/console-server';
import { FREE_PORTS } from '../infra/local/ports';
import { startLocalStack } from '../infra/local/stack';

const CHROMIUM = '/usr/bin/chromium';
const RUNS = Number(process.env.RECOUP_BENCH_RUNS ?? 5);
/** A realistic first page: an agency with a few dozen clients, not an empty table. */
const CLIENTS = 30;

if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: install the chromium package (apt-get install chromium) to measure the console's load.`);

const kb = (n: number) => `${(n / 1024).toFixed(1).padStart(7)} kB`;
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// 1. The bundle, built into a folder of its own: a stack serving console/dist keeps its files.
const dist = mkdtempSync(join(tmpdir(), 'recoup-bench-console-'));
const stops: (() => Promise<unknown>)[] = [async () => rmSync(dist, { recursive: true, force: true })];
try {
  const started = performance.now();
  const { build } = await import('vite');
  await build({ configFile: join(CONSOLE_DIR, 'vite.config.ts'), logLevel: 'silent', build: { outDir: dist, emptyOutDir: true } });
  console.log(`console built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const index = readFileSync(join(dist, 'index.html'), 'utf8');
  // What index.html names (entry script, module preloads, styles) loads before the first page shows; the rest loads with the page that needs it.
  const initial = new Set([...index.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)].map((m) => m[1]!));
  const files = readdirSync(join(dist, 'assets'))
    .filter((f) => ['.js', '.css'].includes(extname(f)))
    .map((f) => {
      const body = readFileSync(join(dist, 'assets', f));
      return { file: f, kind: extname(f).slice(1), raw: body.length, gzip: gzipSync(body, { level: 9 }).length, initial: initial.has(`assets/${f}`) };
    })
    .sort((a, b) => a.kind.localeCompare(b.kind) || b.raw - a.raw);
  console.log('\nbundle (console/dist/assets)          raw         gzip   loads');
  for (const f of files) console.log(`${f.file.padEnd(32)} ${kb(f.raw)}   ${kb(f.gzip)}   ${f.initial ? 'first page' : 'on demand'}`);
  for (const kind of ['js', 'css']) {
    const of = files.filter((f) => f.kind === kind);
    const first = of.filter((f) => f.initial);
    const sum = (xs: typeof files, k: 'raw' | 'gzip') => xs.reduce((n, f) => n + f[k], 0);
    console.log(`${`${kind.toUpperCase()} total (${of.length} files)`.padEnd(32)} ${kb(sum(of, 'raw'))}   ${kb(sum(of, 'gzip'))}`);
    console.log(`${`${kind.toUpperCase()} of the first page`.padEnd(32)} ${kb(sum(first, 'raw'))}   ${kb(sum(first, 'gzip'))}`);
  }
  console.log(`${'index.html'.padEnd(32)} ${kb(statSync(join(dist, 'index.html')).size)}`);

  // 2. A local stack with this console, as `npm start` serves it (the console's origin first: the stack allows only it).
  let config: ConsoleConfig | undefined;
  const web = await startConsoleServer({ port: 0, distDir: dist, config: () => config! });
  stops.push(() => web.stop());
  const dataDir = mkdtempSync(join(tmpdir(), 'recoup-bench-console-data-'));
  stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const stack = await startLocalStack({ dataDir, inMemory: true, ports: FREE_PORTS, consoleOrigin: web.url, adminToken: 'bench-token-123', startTime: new Date('2026-01-05T09:00:00.000Z') });
  stops.push(() => stack.stop());
  config = { apiUrl: stack.urls.api, auth: { issuer: stack.signIn.issuer, clientId: stack.signIn.clientId } };
  for (let i = 1; i <= CLIENTS; i++) {
    const res = await fetch(`${stack.urls.api}/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ companyInfo: { name: `Creditor ${String(i).padStart(2, '0')} Ltd` }, finances: { currency: 'EUR' } }),
    });
    if (res.status !== 201) throw new Error(`POST /clients answered ${res.status}: ${await res.text()}`);
  }

  // 3. First loads, each in a new context: no cache, no session, as a person opening the console for the first time today.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
  stops.push(() => browser.close());
  const runs: { dcl: number; signInVisible: number; clientsAfterSignIn: number; reload: number }[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(web.url, { waitUntil: 'domcontentloaded' });
    const signIn = page.getByRole('button', { name: 'Sign in' });
    await signIn.waitFor();
    const signInVisible = performance.now() - t0;
    const dcl = await page.evaluate('performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd');
    await signIn.click();
    await page.getByLabel('Email').fill(stack.admin.email);
    await page.getByLabel('Password', { exact: true }).fill(stack.admin.password);
    const t1 = performance.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: `Creditor ${String(CLIENTS).padStart(2, '0')} Ltd` }).waitFor();
    const clientsAfterSignIn = performance.now() - t1;
    const t2 = performance.now();
    await page.reload();
    await page.getByRole('link', { name: `Creditor ${String(CLIENTS).padStart(2, '0')} Ltd` }).waitFor();
    const reload = performance.now() - t2;
    await context.close();
    // The first run warms the machine (the functions' first invocations, Chromium's own start): not counted.
    if (run > 0) runs.push({ dcl: Number(dcl), signInVisible, clientsAfterSignIn, reload });
  }

  console.log(`\nfirst load against the local stack (Chromium headless, ${RUNS} runs after a warm-up, each in a new browser context)`);
  console.log(`${''.padEnd(60)}  median   (min - max)`);
  const row = (label: string, xs: number[]) => console.log(`${label.padEnd(60)} ${ms(median(xs))}   (${Math.min(...xs).toFixed(0)} - ${Math.max(...xs).toFixed(0)} ms)`);
  row('DOMContentLoaded', runs.map((r) => r.dcl));
  row('sign-in button visible (from navigation)', runs.map((r) => r.signInVisible));
  row(`issuer's Sign in -> clients list shown (${CLIENTS} clients)`, runs.map((r) => r.clientsAfterSignIn));
  row('reload, signed in, bundles cached -> clients list shown', runs.map((r) => r.reload));
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
