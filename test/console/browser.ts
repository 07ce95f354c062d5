import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/function-catalog';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CONSOLE_DIST, ensureConsoleBuilt, startConsoleServer, type ConsoleConfig } from '../../infra/local/console-server';
import { startTestStack, type ApiClient } from '../support/local-stack';
import type { LocalStack } from '../../infra/local/stack';
import { temporaryPasswordOf } from '../support/sign-in';

/**
 * The console in a real browser against a real local stack: Debian's Chromium, headless, driven
 * by playwright-core. One stack and one browser per test file:
 *
 *   const ui = await startConsoleStack();              // beforeAll (BROWSER_TIMEOUTS.hook)
 *   const page = await ui.signedInPage(ui.admin);      // a fresh browser context, signed in
 *   await page.getByRole('link', { name: 'Clients' }).click();
 *   await ui.stop();                                   // afterAll
 *
 * Wrap the file's tests in `describe.skipIf(skipBrowserTests)`: without Chromium they are skipped
 * with a message, except under CI=true where startConsoleStack fails saying what to install.
 */

export const CHROMIUM = '/usr/bin/chromium';

const inCi = ['1', 'true'].includes((process.env.CI ?? '').toLowerCase());
const chromiumMissing = !existsSync(CHROMIUM);

/** True when Chromium is missing outside CI: the browser tests skip (CI fails instead). */
export const skipBrowserTests = chromiumMissing && !inCi;
if (skipBrowserTests) console.warn(`The console's browser tests are skipped: no Chromium at ${CHROMIUM} (install the chromium package to run them).`);

/**
 * A client's file as the browser tests upload it: two debtors (one with two invoices, merged into
 * one case) and a row with a date that does not exist, so the import finishes with one error.
 */
export const SAMPLE_CSV = [
  'debtor_name,debtor_email,debtor_phone,debtor_country,invoice_number,due_date,amount',
  'Jan Jansen,jan@example.nl,+31612345678,NL,INV-1001,2025-12-01,120.50',
  'Jan Jansen,jan@example.nl,,NL,INV-1002,2025-12-15,79.50',
  'Marie Dubois,marie@example.fr,,FR,INV-1003,2025-11-20,310.00',
  'Piet Pieters,,,NL,INV-1004,2025-13-01,10.00',
].join('\n');

/**
 * For an unloaded 2-core machine: the hook may build the console first (a fresh checkout, about
 * half a minute) and starts the stack and the browser; a test signs in and clicks through pages.
 */
export const BROWSER_TIMEOUTS = { hook: 180_000, test: 60_000 } as const;

/** A person who signs in. `newPassword` is set at the first sign-in when the issuer asks for one. */
export interface Person {
  email: string;
  password: string;
  newPassword?: string;
}

export interface ConsoleStack {
  /** The local stack; `stack.api` calls the API with the admin token (set-up a test does not click through). */
  stack: LocalStack & { api: ApiClient };
  /** The console's origin, e.g. http://127.0.0.1:41234 (a free port). */
  consoleUrl: string;
  browser: Browser;
  /** The agency admin the empty data folder got. */
  admin: Person;
  /** Uncaught errors of every page opened here (a test may expect none). */
  pageErrors: string[];
  /** A page in a new browser context (its own session storage and issuer cookie), signed out, at the console's root. */
  newPage(path?: string): Promise<Page>;
  /** A page in a new browser context, signed in as `person` through the console and the issuer's page, then at `path` if given. */
  signedInPage(person: Person, path?: string): Promise<Page>;
  /**
   * The sign-in of a person invited (in the console, or POST /users): the temporary password of the
   * newest invitation mailed to `email`, and `newPassword` to set at the first sign-in.
   */
  invitation(email: string, newPassword?: string): Promise<Person>;
  stop(): Promise<void>;
}

/** The local stack with the built console on free ports, and a headless Chromium. */
export async function startConsoleStack(opts: { startTime?: Date } = {}): Promise<ConsoleStack> {
  if (chromiumMissing) throw new Error(`Chromium is not installed at ${CHROMIUM}: install the chromium package (apt-get install chromium) to run the console's browser tests.`);
  await buildConsoleOnce();

  // The console listens first: its origin is what the stack allows (CORS, uploads, sign-in redirects).
  let config: ConsoleConfig | undefined;
  const web = await startConsoleServer({
    port: 0,
    config: () => {
      if (!config) throw new Error('the stack is not up yet');
      return config;
    },
  });
  const stops: (() => Promise<void>)[] = [() => web.stop()];
  const stopAll = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const stack = await startTestStack({ consoleOrigin: web.url, ...(opts.startTime ? { startTime: opts.startTime } : {}) });
    stops.push(() => stack.stop());
    config = { apiUrl: stack.urls.api, auth: { issuer: stack.signIn.issuer, clientId: stack.signIn.clientId } };
    // Without the background networking Chromium would try the (closed) network at every start.
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
    stops.push(() => browser.close());

    const pageErrors: string[] = [];
    const newPage = async (path = '/') => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      // Every wait of a click-through: well above a page's load on a busy machine, well below the test's timeout.
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
      await page.goto(new URL(path, web.url).toString());
      return page;
    };
    return {
      stack,
      consoleUrl: web.url,
      browser,
      admin: { email: stack.admin.email, password: stack.admin.password },
      pageErrors,
      newPage,
      async signedInPage(person, path) {
        const page = await newPage(path ?? '/');
        await signIn(page, person);
        return page;
      },
      async invitation(email, newPassword = `${email.split('@')[0]}-new-password-1`) {
        return { email, password: await temporaryPasswordOf(stack, email), newPassword };
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/**
 * Signs in on a signed-out console page as a person would: the console's Sign in button, the
 * issuer's Email and Password, a new password when the issuer asks for one; resolves once the
 * console shows its main navigation.
 */
export async function signIn(page: Page, person: Person): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const main = page.getByRole('navigation', { name: 'Main' });
  const newPassword = page.getByLabel('New password');
  // The issuer's refusal, or the console's sign-in page back with its problem.
  const refused = page.getByRole('alert');
  await main.or(newPassword).or(refused).first().waitFor();
  if (await refused.first().isVisible()) throw new Error(`signing in as ${person.email} ended on ${page.url()} saying: ${await refused.first().innerText()}`);
  if (await newPassword.isVisible()) {
    if (!person.newPassword) throw new Error(`the issuer asks ${person.email} for a new password and the test gave none`);
    await newPassword.fill(person.newPassword);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    // From now on this person signs in with the password they set.
    person.password = person.newPassword;
    delete person.newPassword;
  }
  await main.waitFor();
}

/**
 * Builds console/dist when it is missing or stale, one test process at a time: two browser test
 * files start in parallel, and two Vite builds into one folder would each empty it under the other.
 */
async function buildConsoleOnce(): Promise<void> {
  const lock = join(tmpdir(), `recoup-console-build-${createHash('sha256').update(CONSOLE_DIST).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (lockIsAbandoned(lock)) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      await ensureConsoleBuilt(() => undefined);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return;
  }
}

/** The process holding the lock is gone (killed mid-build), or it has held it for far longer than a build takes. */
function lockIsAbandoned(lock: string): boolean {
  try {
    if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) return true;
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    if (!pid) return false;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Where `saveScreenshot` puts its pictures (the README shows them). */
export const SCREENSHOT_DIR = join(PROJECT_ROOT, 'docs', 'screenshots');

/** A picture over this many bytes makes the README slow to open: it is shot again, the viewport only. */
const SCREENSHOT_MAX_BYTES = 400_000;

/**
 * With RECOUP_SCREENSHOTS=1, the page as `docs/screenshots/<name>.png` once nothing on it is
 * loading any more (the whole page, or the viewport when the whole page would be a large file);
 * otherwise nothing.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.RECOUP_SCREENSHOTS !== '1') return;
  await page.waitForLoadState('networkidle');
  await page.locator('.mantine-Loader-root').first().waitFor({ state: 'detached' }).catch(() => undefined);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // Without the passing notifications ("... created"), which would hide part of the page.
  const shot = { path, animations: 'disabled', style: '.mantine-Notifications-root { display: none !important; }' } as const;
  await page.screenshot({ ...shot, fullPage: true });
  if (statSync(path).size > SCREENSHOT_MAX_BYTES) await page.screenshot(shot);
}
