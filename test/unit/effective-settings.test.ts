import { describe, expect, it } from 'vitest';
import { UnknownPortfolioError, resolveEffectiveSettings } from '../../shared/domain/effective-settings';
import { clientInputSchema } from '../../shared/schemas/client';

const client = clientInputSchema.parse({
  companyInfo: { name: 'Acme' },
  settings: { workflow: { breathingSpace: { enabled: true, days: 14 }, paymentPlanReminderDays: 3, maxPhoneCallRetries: 2 } },
  workflows: {
    mainOutreach: [{ type: 'email', afterDays: 0, template: 'first-notice' }],
    onHold: [{ type: 'ticket', afterDays: 0, title: 'Review the dispute' }],
    paymentPlan: [{ type: 'sms', on: 'reminder', template: 'plan-reminder' }],
  },
  portfolios: [
    { name: 'consumer' },
    { name: 'b2b', workflowOverrides: { breathingSpace: { enabled: false }, maxPhoneCallRetries: 5 } },
    { name: 'telecom', workflowOverrides: { breathingSpace: { days: 30 } }, workflows: { mainOutreach: [{ type: 'sms', afterDays: 1, template: 'sms-first' }] } },
  ],
});

describe('resolveEffectiveSettings', () => {
  it('uses the client settings for a portfolio without overrides', () => {
    const s = resolveEffectiveSettings(client, 'consumer');
    expect(s).toMatchObject({ portfolio: 'consumer', breathingSpace: { enabled: true, days: 14 }, paymentPlanReminderDays: 3, maxPhoneCallRetries: 2, brokenPlanAfterMissedInstallments: 2 });
    expect(s.workflows.mainOutreach).toEqual(client.workflows.mainOutreach);
  });

  it('lays a portfolio’s overrides over the client’s, field by field', () => {
    expect(resolveEffectiveSettings(client, 'b2b')).toMatchObject({ breathingSpace: { enabled: false, days: 14 }, maxPhoneCallRetries: 5, paymentPlanReminderDays: 3 });
    expect(resolveEffectiveSettings(client, 'telecom').breathingSpace).toEqual({ enabled: true, days: 30 });
  });

  it('replaces a workflow’s node list when the portfolio has its own', () => {
    const s = resolveEffectiveSettings(client, 'telecom');
    expect(s.workflows.mainOutreach).toEqual([{ type: 'sms', afterDays: 1, template: 'sms-first' }]);
  });

  it('keeps the client’s workflows of every kind the portfolio does not name', () => {
    const s = resolveEffectiveSettings(client, 'telecom');
    expect(s.workflows.onHold).toEqual([{ type: 'ticket', afterDays: 0, title: 'Review the dispute' }]);
    expect(s.workflows.paymentPlan).toEqual([{ type: 'sms', on: 'reminder', template: 'plan-reminder' }]);
    expect(s.workflows.retry).toEqual([]);
  });

  it('lets a portfolio empty a kind on purpose with an empty list', () => {
    const c = clientInputSchema.parse({ ...client, portfolios: [{ name: 'quiet', workflows: { onHold: [] } }] });
    const s = resolveEffectiveSettings(c, 'quiet');
    expect(s.workflows.onHold).toEqual([]);
    expect(s.workflows.mainOutreach).toEqual(client.workflows.mainOutreach);
  });

  it('matches portfolio names case-insensitively', () => {
    expect(resolveEffectiveSettings(client, 'B2B').portfolio).toBe('b2b');
  });

  it('falls back to the default portfolio, then the first, then none', () => {
    expect(resolveEffectiveSettings(client).portfolio).toBe('consumer');
    expect(resolveEffectiveSettings({ ...client, defaultPortfolio: 'b2b' }).breathingSpace.enabled).toBe(false);
    const bare = clientInputSchema.parse({ companyInfo: { name: 'Bare' } });
    expect(resolveEffectiveSettings(bare)).toMatchObject({ portfolio: undefined, breathingSpace: { enabled: true, days: 14 } });
  });

  it('refuses a portfolio the client does not have, naming the known ones', () => {
    expect(() => resolveEffectiveSettings(client, 'retail')).toThrow(UnknownPortfolioError);
    expect(() => resolveEffectiveSettings(client, 'retail')).toThrow('unknown portfolio "retail"; this client has "consumer", "b2b", "telecom"');
  });
});
