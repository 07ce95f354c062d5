import { expect, it } from 'vitest';
import { spreadFraction } from '../../shared/domain/send-spread';
import type { CaseContext } from '../../shared/workflow/case-context';
import { sendTime } from '../../shared/workflow/contact-window';

/** A case id whose spread fraction is in the window's last hundredth: it goes at the latest slot. */
const lastCaseId = (() => {
  for (let i = 0; ; i++) if (spreadFraction(`case-${i}`) > 0.99) return `case-${i}`;
})();

const context = (caseId: string) =>
  ({
    c: { caseId, debtor: { name: 'Lena Late', timeZone: 'Europe/London' } },
    client: { companyInfo: { address: { country: 'GB' } } },
    settings: { contactHours: { from: 8, to: 20, spread: true }, maxPhoneCallRetries: 2 },
  }) as unknown as CaseContext;

it('keeps the end of the contact hours for the throttling retries of an email or SMS spread to the last slot', () => {
  const at = sendTime(context(lastCaseId));
  // January: London is on UTC. Due at 08:00, the hours end at 20:00.
  for (const channel of ['email', 'sms'] as const) {
    const out = at('2026-01-07T08:00:00.000Z', channel);
    expect(out > '2026-01-07T19:00:00.000Z', channel).toBe(true);
    expect(out <= '2026-01-07T19:25:00.000Z', channel).toBe(true);
  }
  // A letter has no rate to be refused for: it may take the window's last minutes.
  expect(at('2026-01-07T08:00:00.000Z', 'letter') > '2026-01-07T19:50:00.000Z').toBe(true);
});

it('sends at once a step due after the reserve began, inside the hours', () => {
  expect(sendTime(context(lastCaseId))('2026-01-07T19:40:00.000Z', 'email')).toBe('2026-01-07T19:40:00.000Z');
});
