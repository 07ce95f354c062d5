// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PortfolioDiff, portfolioDiff } from '../../../console/src/pages/clients/tabs/portfolio-diff';
import { sampleClient } from './client-fixture';
import { renderWithProviders } from './render';

afterEach(cleanup);

const client = sampleClient({
  settings: { workflow: { breathingSpace: { enabled: true, days: 14 }, maxPhoneCallRetries: 2 } },
  portfolios: [
    { name: 'utilities', workflowOverrides: { breathingSpace: { enabled: false }, maxPhoneCallRetries: 2 }, workflows: { mainOutreach: [{ type: 'letter', afterDays: 1, template: 'first-notice' }] } },
  ],
});
const portfolio = client.portfolios[0]!;

describe("a portfolio's overrides against the client's settings", () => {
  it('marks what the portfolio changes, and not what it sets to the same value or leaves alone', () => {
    const rows = Object.fromEntries(portfolioDiff(client, portfolio).map((r) => [r.setting, r]));
    expect(rows['Breathing space']).toEqual({ setting: 'Breathing space', client: 'on', portfolio: 'off', differs: true });
    expect(rows['Phone call retries']).toMatchObject({ client: '2', portfolio: '2', differs: false });
    expect(rows['Breathing space days']).toMatchObject({ client: '14', portfolio: '14', differs: false });
    expect(rows['Main outreach workflow']).toMatchObject({ client: '2 nodes', portfolio: 'own: 1 node', differs: true });
    expect(rows['Retry workflow']).toMatchObject({ differs: false });
  });

  it('shows both columns side by side, the differing rows marked in words', () => {
    renderWithProviders(<PortfolioDiff client={client} portfolio={portfolio} />);
    const table = screen.getByRole('table', { name: "utilities against the client's settings" });
    const row = (name: string) => within(table).getByText(name).closest('tr')!;
    expect(within(row('Breathing space')).getAllByRole('cell').map((c) => c.textContent?.trim())).toEqual(['Breathing space', 'on', 'off Overridden']);
    expect(within(row('Phone call retries')).queryByText('Overridden')).toBeNull();
    expect(within(table).getAllByText('Overridden')).toHaveLength(2);
  });
});
