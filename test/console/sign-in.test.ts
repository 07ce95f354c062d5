import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_TIMEOUTS, skipBrowserTests, startConsoleStack, type ConsoleStack } from './browser';

describe.skipIf(skipBrowserTests)('signing in to the console in a browser', () => {
  let ui: ConsoleStack;
  beforeAll(async () => {
    ui = await startConsoleStack();
  }, BROWSER_TIMEOUTS.hook);
  afterAll(async () => ui?.stop(), BROWSER_TIMEOUTS.hook);

  it('signs the agency admin in at the issuer and comes back to the clients page', { timeout: BROWSER_TIMEOUTS.test }, async () => {
    const page = await ui.signedInPage(ui.admin);
    expect(new URL(page.url()).pathname).toBe('/clients');
    expect(new URL(page.url()).search).not.toContain('code=');
    await expect(page.getByRole('heading', { name: 'Clients', level: 1 }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('stale or was not started here').count()).resolves.toBe(0);
    expect(ui.pageErrors).toEqual([]);
  });
});
