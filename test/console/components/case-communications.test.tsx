// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { admin, renderConsole } from '../render';

afterEach(() => vi.unstubAllGlobals());

const PDF_URL = 'http://s3.test/recoup-letters/letters/cs-1/0a1b2c.pdf?X-Amz-Expires=900&X-Amz-Signature=abc';
const kase = {
  caseId: 'cs-1',
  clientId: 'c-1',
  clientCaseNumber: 'C2',
  debtor: { name: 'Cal Unanswered', email: 'cal@example.com', phone: '+447700900002' },
  invoices: [{ invoiceNumber: 'INV-C2', dueDate: '2025-12-01', amountMinor: 8000, currency: 'EUR' }],
  phase: 'outreach',
  balance: { principalMinor: 8000, costsMinor: 2500, interestMinor: 0, paidMinor: 0, outstandingMinor: 10500, currency: 'EUR' },
};
const base = { workflow: 'mainOutreach', attempt: 1, template: 'first-notice', status: 'sent' };
const communications = [
  { ...base, key: 'k0', at: '2026-01-15T09:00:00.000Z', channel: 'email', node: 0, recipient: 'cal@example.com', subject: 'Your outstanding balance with Acme Energy', text: 'Dear Cal Unanswered, you owe €105.00 (ref C2).\n\n--\nAcme Collections Ltd' },
  { ...base, key: 'k1', at: '2026-01-18T09:00:00.000Z', channel: 'sms', node: 1, recipient: '+447700900002', text: 'Acme Energy: €105.07 is overdue. Reply STOP to opt out.' },
  { ...base, key: 'k2', at: '2026-01-22T09:00:00.000Z', channel: 'call', node: 2, recipient: '+447700900002', status: 'failed', reason: 'not answered', text: 'Dear Cal Unanswered, you owe €105.16 (ref C2).' },
  { ...base, key: 'k3', at: '2026-01-29T09:00:00.000Z', channel: 'letter', node: 3, recipient: '5 Low Rd, LS2 2BB, Leeds', subject: 'Your outstanding balance with Acme Energy', text: 'Dear Cal Unanswered,\nWe still have not received €105.32.', pdfUrl: PDF_URL, pdfUrlExpiresAt: '2026-01-29T09:15:00.000Z' },
  { ...base, key: 'k4', at: '2026-02-05T09:00:00.000Z', channel: 'email', node: 4, status: 'skipped', reason: 'on hold' },
];

function stubApi() {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) => {
      const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
      const body = path === '/cases/cs-1' ? kase : path === '/cases/cs-1/communications' ? { items: communications } : { items: [] };
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    }),
  );
}

describe("the case page's communications", () => {
  it('each opens to show what was sent: the email subject and text, the SMS, the call script, the letter as a PDF link', async () => {
    stubApi();
    await renderConsole(admin, '/cases/cs-1');
    await screen.findByRole('heading', { name: 'Communications', level: 2 });

    const email = await screen.findByRole('button', { name: 'Show email of 15 Jan 2026, 09:00 UTC' });
    expect(email.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByText(/you owe €105\.00/)).toBeNull();
    await userEvent.click(email);
    expect(email.getAttribute('aria-expanded')).toBe('true');
    expect(email.textContent).toBe('Hide email of 15 Jan 2026, 09:00 UTC');
    const shown = screen.getByRole('region', { name: 'Email of 15 Jan 2026, 09:00 UTC' });
    expect(within(shown).getByText('Your outstanding balance with Acme Energy', { exact: false }).textContent).toBe('Subject: Your outstanding balance with Acme Energy');
    // The text as sent, its line breaks kept.
    expect(within(shown).getByText(/you owe €105\.00/).textContent).toBe('Dear Cal Unanswered, you owe €105.00 (ref C2).\n\n--\nAcme Collections Ltd');

    await userEvent.click(screen.getByRole('button', { name: 'Show SMS of 18 Jan 2026, 09:00 UTC' }));
    expect(within(screen.getByRole('region', { name: 'SMS of 18 Jan 2026, 09:00 UTC' })).getByText('Acme Energy: €105.07 is overdue. Reply STOP to opt out.')).toBeTruthy();

    // A failed call still shows the script it was placed with.
    await userEvent.click(screen.getByRole('button', { name: 'Show call script of 22 Jan 2026, 09:00 UTC' }));
    expect(within(screen.getByRole('region', { name: 'Call script of 22 Jan 2026, 09:00 UTC' })).getByText('Dear Cal Unanswered, you owe €105.16 (ref C2).')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Show letter of 29 Jan 2026, 09:00 UTC' }));
    const letter = screen.getByRole('region', { name: 'Letter of 29 Jan 2026, 09:00 UTC' });
    const link = within(letter).getByRole('link', { name: 'Open letter (PDF)' });
    expect(link.getAttribute('href')).toBe(PDF_URL);
    expect(link.getAttribute('target')).toBe('_blank');
    expect(within(letter).getByText(/We still have not received €105\.32/)).toBeTruthy();

    // Hiding it again takes the content away; a skipped message has nothing to show.
    await userEvent.click(email);
    expect(screen.queryByRole('region', { name: 'Email of 15 Jan 2026, 09:00 UTC' })).toBeNull();
    expect(screen.queryByText(/you owe €105\.00/)).toBeNull();
    expect(screen.queryByRole('button', { name: /of 5 Feb 2026/ })).toBeNull();
    expect(screen.getByText('on hold')).toBeTruthy();
  });
});
