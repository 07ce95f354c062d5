import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_TIMEOUTS, saveScreenshot, SAMPLE_CSV, skipBrowserTests, startConsoleStack, type ConsoleStack, type Person } from './browser';


/** The text of the case page's balance figure `label` (e.g. "Outstanding" -> "€200.00"). */
async function balanceFigure(page: Page, label: string): Promise<string> {
  const box = page.locator('.mantine-Paper-root').filter({ has: page.getByText(label, { exact: true }) });
  return (await box.locator('p').nth(1).innerText()).trim();
}

describe.skipIf(skipBrowserTests)('the console, clicked through in a browser', () => {
  let ui: ConsoleStack;
  let clientId: string;
  let otherClientId: string;
  beforeAll(async () => {
    ui = await startConsoleStack();
    // Another client of the agency, which a client's person must never see.
    const other = await ui.stack.api.post('/clients', { companyInfo: { name: 'Other Creditor Ltd' }, finances: { currency: 'GBP' } });
    expect(other.status).toBe(201);
    otherClientId = other.body.clientId;
  }, BROWSER_TIMEOUTS.hook);
  afterAll(async () => ui?.stop(), BROWSER_TIMEOUTS.hook);

  it('an agency admin creates a client, imports its cases and works a case until it is closed', { timeout: BROWSER_TIMEOUTS.test }, async () => {
    const page = await ui.signedInPage(ui.admin);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Clients', 'Cases', 'Imports', 'Business entities', 'Users', 'Tickets', 'Operations']);

    // Clients -> New client.
    await nav.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('button', { name: 'New client' }).click();
    const form = page.getByRole('dialog', { name: 'New client' });
    await form.getByLabel('Name').fill('Bright Energy BV');
    await form.getByRole('button', { name: 'Create client' }).click();
    await page.getByRole('heading', { name: 'Bright Energy BV', level: 1 }).waitFor();
    clientId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    await expect(page.getByRole('tab').allInnerTexts()).resolves.toEqual(['Company info', 'Contacts', 'Settings', 'Finances', 'Workflows', 'Portfolios']);

    // Set-up this test does not click through: a sender and an outreach of an email and an SMS.
    const entity = await ui.stack.api.post('/business-entities', {
      name: 'Acme Collections Ltd',
      senderEmail: 'collections@acme.example',
      templates: { 'first-notice': { subject: 'Your balance with {{client.name}}', text: 'Dear {{debtor.name}}, you owe {{balance.outstanding}}.', sms: '{{client.name}}: {{balance.outstanding}} is overdue.' } },
    });
    expect(entity.status).toBe(201);
    const created = await ui.stack.api.get(`/clients/${clientId}`);
    const patched = await ui.stack.api.patch(`/clients/${clientId}`, {
      version: created.body.version,
      settings: { businessEntityId: entity.body.businessEntityId },
      workflows: { mainOutreach: [{ type: 'email', afterDays: 0, template: 'first-notice' }, { type: 'sms', afterDays: 3, template: 'first-notice' }] },
    });
    expect(patched.status).toBe(200);

    // The client's workflows as the console draws them: the email on day 0, the SMS on day 3.
    await page.goto(`${ui.consoleUrl}/clients/${encodeURIComponent(clientId)}?tab=workflows`);
    await expect(page.getByRole('textbox', { name: 'Main outreach node 2 day' }).inputValue()).resolves.toBe('3');
    await expect(page.getByRole('combobox', { name: 'Main outreach node 2 channel' }).inputValue()).resolves.toBe('SMS');
    // Day 0's label starts at the line's start, not half off the page's left edge.
    const dayZero = page.getByRole('group', { name: 'Main outreach timeline' }).getByText('Day 0: Email');
    await dayZero.waitFor();
    // Polled: a refetch may render the timeline again between the wait and the measure (no box then).
    await expect.poll(async () => (await dayZero.boundingBox())?.x).toBeGreaterThanOrEqual(0);
    await saveScreenshot(page, 'workflows');

    await nav.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('link', { name: 'Bright Energy BV' }).waitFor();
    await expect(page.getByRole('link', { name: 'Other Creditor Ltd' }).isVisible()).resolves.toBe(true);
    await saveScreenshot(page, 'clients');

    // Imports: pick the client, choose a CSV file; the presigned upload goes to the drop bucket.
    await nav.getByRole('link', { name: 'Imports' }).click();
    await page.getByRole('combobox', { name: 'Client' }).click();
    await page.getByRole('option', { name: 'Bright Energy BV' }).click();
    await page.locator('input[type="file"]').setInputFiles({ name: 'december.csv', mimeType: 'text/csv', buffer: Buffer.from(SAMPLE_CSV) });
    const latest = page.getByRole('status', { name: 'Latest import' });
    await latest.getByText('Import completed: 4 rows, 2 cases created, 1 merged, 0 duplicates, 1 rejected').waitFor();
    await expect(latest.getByRole('row').nth(1).innerText()).resolves.toMatch(/^4\s+due_date\s+.+/);
    await saveScreenshot(page, 'imports');

    // Cases: the client's two new cases, Jan's with both his invoices.
    await nav.getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('combobox', { name: 'Client' }).click();
    await page.getByRole('option', { name: 'Bright Energy BV' }).click();
    await page.getByRole('link', { name: 'Marie Dubois' }).waitFor();
    await expect(page.getByRole('row', { name: /Jan Jansen/ }).innerText()).resolves.toContain('INV-1001, INV-1002');
    await saveScreenshot(page, 'cases');

    // The client page now has its cases' tabs; open Jan's case.
    await nav.getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('link', { name: 'Bright Energy BV' }).click();
    await page.getByRole('tab', { name: 'Cases' }).click();
    await expect(page.getByRole('tab').allInnerTexts()).resolves.toEqual(['Company info', 'Contacts', 'Settings', 'Finances', 'Workflows', 'Portfolios', 'Cases', 'Invoices', 'Imports', 'Communications', 'Results']);
    await page.getByRole('link', { name: 'Marie Dubois' }).waitFor();
    await saveScreenshot(page, 'client-page');
    await page.getByRole('link', { name: 'Jan Jansen' }).click();

    await page.getByRole('heading', { name: 'Jan Jansen', level: 1 }).waitFor();
    for (const h of ['Balance', 'Invoices', 'Timeline', 'Communications']) await page.getByRole('heading', { name: h, level: 2 }).waitFor();
    await expect(page.getByRole('cell', { name: 'INV-1001' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('cell', { name: 'INV-1002' }).isVisible()).resolves.toBe(true);
    expect(await balanceFigure(page, 'Principal')).toBe('€200.00');

    // Put on hold (a dispute), then release it back where it was.
    await page.getByRole('button', { name: 'Put on hold' }).click();
    const hold = page.getByRole('dialog', { name: 'Put on hold' });
    await hold.getByLabel('Note').fill('debtor disputes INV-1002');
    await hold.getByRole('button', { name: 'Put on hold' }).click();
    await page.getByText('On hold for dispute: debtor disputes INV-1002').waitFor();
    await expect(page.getByLabel('Phase: On hold').isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Release' }).click();
    await page.getByRole('dialog', { name: 'Release' }).getByRole('button', { name: 'Release' }).click();
    await page.getByText('On hold for dispute').waitFor({ state: 'detached' });
    await expect(page.getByLabel(/^Phase: /).innerText()).resolves.not.toMatch(/hold|closed/i);

    // Record a payment of everything outstanding: the case closes as paid in full.
    const outstanding = await balanceFigure(page, 'Outstanding');
    await page.getByRole('button', { name: 'Record payment' }).click();
    const pay = page.getByRole('dialog', { name: 'Record payment' });
    await pay.getByLabel('Amount (EUR)').fill(outstanding.replace(/[€,]/g, ''));
    await pay.getByLabel('Reference').fill('BANK-0001');
    await pay.getByRole('button', { name: 'Record' }).click();
    await page.getByLabel('Phase: Closed, paid in full').waitFor();
    expect(await balanceFigure(page, 'Outstanding')).toBe('€0.00');
    expect(await balanceFigure(page, 'Paid')).toBe(outstanding);
    // A closed case offers no more actions.
    await expect(page.getByRole('button', { name: 'Record payment' }).count()).resolves.toBe(0);
    const timeline = await page.getByRole('heading', { name: 'Timeline' }).locator('xpath=following-sibling::table[1]').innerText();
    expect(timeline).toMatch(/hold/i);
    expect(timeline).toMatch(/release/i);
    expect(timeline).toMatch(/payment/i);
    expect(timeline).toContain(ui.admin.email);
    await saveScreenshot(page, 'case-page');

    // Three weeks on, the other case's breathing space is over and its outreach has begun.
    const advanced = await ui.stack.api.post('/local/clock/advance', { days: 21 });
    expect(advanced.status).toBe(200);

    // The results of the client, and the agency's operations figures.
    await page.getByRole('link', { name: clientId }).click();
    await page.getByRole('tab', { name: 'Results' }).click();
    await page.getByRole('heading', { name: /results/i }).first().waitFor();
    await saveScreenshot(page, 'results');
    await nav.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { name: 'Operations', level: 1 }).waitFor();
    await saveScreenshot(page, 'operations');

    expect(ui.pageErrors).toEqual([]);
    await page.context().close();
  });

  it("a client's person, invited from the client's contacts, sees only its own client and what its role may do", { timeout: BROWSER_TIMEOUTS.test }, async () => {
    expect(clientId).toBeDefined();
    const admin = await ui.signedInPage(ui.admin, `/clients/${encodeURIComponent(clientId)}?tab=contacts`);
    const add = admin.getByRole('form', { name: 'Add contact' });
    await add.getByLabel('Contact name').fill('Olivia Ops');
    await add.getByLabel('Contact email').fill('olivia@bright.example');
    await add.getByRole('button', { name: 'Add contact' }).click();
    await admin.getByRole('cell', { name: 'olivia@bright.example' }).waitFor();
    await admin.getByRole('button', { name: 'Invite Olivia Ops' }).click();
    await admin.getByRole('cell', { name: 'Yes (client_operational_lead)' }).waitFor();
    await admin.context().close();

    // The invitation's mail holds a temporary password; the first sign-in sets a new one.
    const olivia: Person = await ui.invitation('olivia@bright.example');
    const chosen = olivia.newPassword;
    const page = await ui.signedInPage(olivia);
    // The issuer asked for a new password, and she now signs in with it.
    expect(olivia.password).toBe(chosen);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Clients', 'Cases', 'Imports']);
    await expect(page.getByLabel('Role: Operational lead').isVisible()).resolves.toBe(true);
    // Her start page is her client's page.
    await page.getByRole('heading', { name: 'Bright Energy BV', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/clients/${encodeURIComponent(clientId)}`);

    // Her cases: the closed one and Marie's, which she may act on.
    await nav.getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('link', { name: 'Marie Dubois' }).click();
    await page.getByRole('button', { name: 'Put on hold' }).waitFor();

    // The other client: not listed anywhere, and its address shows no client.
    await page.goto(`${ui.consoleUrl}/clients/${encodeURIComponent(otherClientId)}`);
    const refusal = page.getByRole('alert').filter({ hasText: 'This client cannot be shown' });
    await refusal.waitFor();
    await expect(refusal.innerText()).resolves.toContain(`no client with id "${otherClientId}"`);
    await expect(page.getByText('Other Creditor Ltd').count()).resolves.toBe(0);
    // The list of clients is her own client's page; the agency's pages are not there for her.
    await page.goto(`${ui.consoleUrl}/clients`);
    await page.getByRole('heading', { name: 'Bright Energy BV', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/clients/${encodeURIComponent(clientId)}`);
    await expect(page.getByText('Other Creditor Ltd').count()).resolves.toBe(0);
    await page.goto(`${ui.consoleUrl}/operations`);
    await page.getByRole('heading', { name: 'Not found', level: 1 }).waitFor();
    expect(ui.pageErrors).toEqual([]);
  });
});
