import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_TIMEOUTS, SAMPLE_CSV, skipBrowserTests, startConsoleStack, type ConsoleStack, type Person } from './browser';
import { waitForImport } from '../support/imports';

/** The WCAG 2.1 A and AA rules: what an accessibility audit of the console holds it to. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** A person using a screen reader or a keyboard cannot get past these; minor and moderate ones are reported, not failed. */
const BLOCKING = new Set(['serious', 'critical']);


/**
 * The serious and critical WCAG violations on the page as it is now, one line each with the rule,
 * what it asks and every element that breaks it (its CSS path and axe's summary of what is wrong).
 */
async function blockingViolations(page: Page): Promise<string[]> {
  // Nothing half-loaded: a loader's spinner is not what a person reads.
  await page.waitForLoadState('networkidle');
  await page.locator('.mantine-Loader-root').first().waitFor({ state: 'detached' }).catch(() => undefined);
  // A dialog fading in has its colours half-way: axe would measure the contrast of a frame no one reads.
  await page.locator('html').evaluate((html) => Promise.all(html.ownerDocument.getAnimations().map((a: { finished: Promise<unknown> }) => a.finished.catch(() => undefined))));
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const found = results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => {
      const targets = v.nodes.map((n) => `    ${n.target.join(' ')}\n      ${(n.failureSummary ?? '').replace(/\n\s*/g, ' ')}`).join('\n');
      return `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n${targets}`;
    });
  // No axe rule asks it, but a screen reader lists a page's tables by their names: "table" alone says nothing.
  const unnamed = await page.locator('table').evaluateAll((tables) =>
    tables.filter((t) => !t.getAttribute('aria-label')?.trim() && !t.getAttribute('aria-labelledby') && !t.querySelector('caption')?.textContent?.trim()).map((t) => `    table with headers: ${[...t.querySelectorAll('th')].map((h) => h.textContent).join(', ') || '(none)'}`),
  );
  if (unnamed.length) found.push(`serious table-name: Tables must have a name (aria-label, aria-labelledby or a caption)\n${unnamed.join('\n')}`);
  return found;
}

/** Fails naming every blocking violation, so one run tells what to fix on the page. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  const found = await blockingViolations(page);
  if (found.length > 0) console.error(`Accessibility of ${what} (${page.url()}):\n${found.join('\n')}`);
  expect(found, `serious or critical WCAG violations on ${what}`).toEqual([]);
}

describe.skipIf(skipBrowserTests)('the console is accessible (WCAG 2.1 AA, axe)', () => {
  let ui: ConsoleStack;
  let page: Page;
  let clientId: string;
  let caseId: string;
  const client = () => `/clients/${encodeURIComponent(clientId)}`;

  beforeAll(async () => {
    // A Monday morning: the outreach's first email goes out at the import, inside the debtors' contact hours.
    ui = await startConsoleStack({ startTime: new Date('2026-01-12T09:00:00Z') });
    const { api } = ui.stack;
    // A sender with a template, a client using it with an outreach that opens a ticket at once,
    // and an import so the client has cases, invoices, communications and results.
    const entity = await api.post('/business-entities', {
      name: 'Acme Collections Ltd',
      senderEmail: 'collections@acme.example',
      templates: { 'first-notice': { subject: 'Your balance with {{client.name}}', text: 'Dear {{debtor.name}}, you owe {{balance.outstanding}}.', sms: '{{client.name}}: {{balance.outstanding}} is overdue.' } },
    });
    expect(entity.status).toBe(201);
    const created = await api.post('/clients', {
      companyInfo: { name: 'Bright Energy BV', registrationNumber: '12345678' },
      contacts: [{ name: 'Olivia Ops', email: 'olivia@bright.example', role: 'operational_lead' }],
      settings: { businessEntityId: entity.body.businessEntityId, workflow: { breathingSpace: { enabled: false } } },
      finances: { currency: 'EUR', costs: [{ name: 'collection fee', kind: 'fixed', amountMinor: 2500 }], interest: { annualRatePercent: 8 } },
      workflows: {
        mainOutreach: [
          { type: 'ticket', afterDays: 0, title: 'Check the debtor before the first notice' },
          { type: 'email', afterDays: 0, template: 'first-notice' },
          { type: 'sms', afterDays: 3, template: 'first-notice' },
        ],
      },
      portfolios: [{ name: 'default' }, { name: 'large', workflowOverrides: { maxPhoneCallRetries: 3 } }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    clientId = created.body.clientId;
    const upload = await api.post(`/clients/${clientId}/imports`, {});
    expect(upload.status).toBe(201);
    const put = await fetch(upload.body.uploadUrl, { method: 'PUT', body: SAMPLE_CSV });
    expect(put.status).toBe(200);
    expect((await waitForImport(api, clientId, { importId: upload.body.importId })).status).toBe('completed');
    // The start queue starts the two cases' outreach in its own (real) time; each case's first
    // steps fall somewhere in the day's contact hours: by the evening both opened a ticket and sent an email.
    for (let i = 0; (await api.get('/local/step-functions/executions?name=mainOutreach')).body.items.length < 2; i++) {
      if (i > 300) throw new Error('the outreach of the imported cases did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await api.post('/local/clock/advance', { to: '2026-01-12T19:00:00.000Z' })).status).toBe(200);
    const sent = (await api.get(`/clients/${clientId}/communications`)).body.items as { channel: string }[];
    expect(sent.map((m) => m.channel).sort()).toEqual(['email', 'email', 'ticket', 'ticket']);
    const cases = await api.get(`/clients/${clientId}/cases?q=Jan`);
    caseId = cases.body.items[0].caseId;

    page = await ui.newPage();
  }, BROWSER_TIMEOUTS.hook);
  afterAll(async () => ui?.stop(), BROWSER_TIMEOUTS.hook);

  it('the sign-in page and the issuer\'s sign-in form', async () => {
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'the sign-in page');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email').waitFor();
    await expectAccessible(page, "the issuer's sign-in form");
    await page.getByLabel('Email').fill(ui.admin.email);
    await page.getByLabel('Password', { exact: true }).fill(ui.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  });

  /** Goes to `path` in the signed-in page (a full load, as a person opening a link) and waits for `ready`. */
  async function open(path: string, ready: (p: Page) => Promise<void>): Promise<void> {
    await page.goto(new URL(path, ui.consoleUrl).toString());
    await ready(page);
  }
  const heading = (name: string | RegExp) => (p: Page) => p.getByRole('heading', { name, level: 1 }).waitFor();

  it('the clients list', async () => {
    await open('/clients', async (p) => void (await p.getByRole('link', { name: 'Bright Energy BV' }).waitFor()));
    await expectAccessible(page, 'the clients list');
    await page.getByRole('button', { name: 'New client' }).click();
    await page.getByRole('dialog', { name: 'New client' }).waitFor();
    await expectAccessible(page, 'the New client form');
  });

  const TABS: [string, string, (p: Page) => Promise<unknown>][] = [
    ['company-info', 'Company info', (p) => p.getByLabel('Registration number').waitFor()],
    ['contacts', 'Contacts', (p) => p.getByRole('cell', { name: 'olivia@bright.example' }).waitFor()],
    ['settings', 'Settings', (p) => p.getByRole('button', { name: /save/i }).first().waitFor()],
    ['finances', 'Finances', (p) => p.getByRole('button', { name: /save/i }).first().waitFor()],
    ['workflows', 'Workflows', (p) => p.getByRole('button', { name: 'Save workflows' }).waitFor()],
    ['portfolios', 'Portfolios', (p) => p.getByText('large').first().waitFor()],
    ['cases', 'Cases', (p) => p.getByRole('link', { name: 'Marie Dubois' }).waitFor()],
    ['invoices', 'Invoices', (p) => p.getByRole('cell', { name: 'INV-1003' }).waitFor()],
    ['imports', 'Imports', (p) => p.getByText(/Import completed/).first().waitFor()],
    ['communications', 'Communications', (p) => p.getByRole('cell', { name: 'first-notice' }).first().waitFor()],
    ['results', 'Results', (p) => p.getByRole('heading', { name: /results/i }).first().waitFor()],
  ];
  for (const [tab, label, ready] of TABS) {
    it(`the client page, ${label} tab`, async () => {
      await open(`${client()}?tab=${tab}`, async (p) => {
        await p.getByRole('tab', { name: label, selected: true }).waitFor();
        await ready(p);
      });
      await expectAccessible(page, `the client page's ${label} tab`);
    });
  }

  it('the cases list', async () => {
    await open(`/cases?clientId=${encodeURIComponent(clientId)}`, async (p) => void (await p.getByRole('link', { name: 'Marie Dubois' }).waitFor()));
    await expectAccessible(page, 'the cases list');
  });

  it('the case page, and its Record payment, Agree payment plan and Put on hold forms', async () => {
    await open(`/cases/${encodeURIComponent(caseId)}`, async (p) => {
      await heading('Jan Jansen')(p);
      await p.getByRole('heading', { name: 'Communications', level: 2 }).waitFor();
    });
    await expectAccessible(page, 'the case page');
    for (const action of ['Record payment', 'Agree payment plan', 'Put on hold']) {
      await page.getByRole('button', { name: action }).click();
      const dialog = page.getByRole('dialog', { name: action });
      await dialog.waitFor();
      await expectAccessible(page, `the case page's ${action} form`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
  });

  it('the imports page with a finished import', async () => {
    await open(`/imports?clientId=${encodeURIComponent(clientId)}`, async (p) => void (await p.getByText(/Import completed/).first().waitFor()));
    await expectAccessible(page, 'the imports page');
  });

  it('the tickets queue', async () => {
    await open('/tickets', async (p) => void (await p.getByText('Check the debtor before the first notice').first().waitFor()));
    await expectAccessible(page, 'the tickets queue');
  });

  it('the users page', async () => {
    await open('/users', async (p) => void (await p.getByRole('cell', { name: ui.admin.email }).first().waitFor()));
    await expectAccessible(page, 'the users page');
  });

  it('the business entities page', async () => {
    await open('/business-entities', async (p) => void (await p.getByRole('cell', { name: 'Acme Collections Ltd' }).first().waitFor()));
    await expectAccessible(page, 'the business entities page');
  });

  it('the operations page', async () => {
    await open('/operations', heading('Operations'));
    await expectAccessible(page, 'the operations page');
  });

  it('a page not found', async () => {
    await open('/no-such-page', heading('Not found'));
    await expectAccessible(page, 'the not found page');
  });

  it("a client's person on its client's page", async () => {
    const invited = await ui.stack.api.post('/users', { email: 'olivia@bright.example', name: 'Olivia Ops', role: 'client_viewer', clientId });
    expect(invited.status).toBe(201);
    const olivia: Person = await ui.invitation('olivia@bright.example');
    const own = await ui.signedInPage(olivia);
    await heading('Bright Energy BV')(own);
    await expectAccessible(own, "a client viewer's client page");
    await own.context().close();
  });
});
