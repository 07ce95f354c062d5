import { describe, expect, it } from 'vitest';
import { issuesToDetails } from '../../shared/http/validate';
import { businessEntityInputSchema } from '../../shared/schemas/business-entity';
import { clientInputSchema } from '../../shared/schemas/client';
import { isRealIsoDate } from '../../shared/schemas/common';

function problems(result: { success: boolean; error?: { issues: any[] } }) {
  return result.success ? [] : issuesToDetails(result.error!.issues);
}

describe('client schema', () => {
  it('fills every setting with its default from a minimal body', () => {
    const c = clientInputSchema.parse({ companyInfo: { name: 'Acme Ltd' } });
    expect(c.settings).toEqual({
      enrichment: { intervalDays: 30, attempts: 2 },
      import: { newCasePerInvoice: false, matchOnClientCaseNumber: false, columnMap: {} },
      workflow: { breathingSpace: { enabled: true, days: 14 }, paymentPlanReminderDays: 3, maxPhoneCallRetries: 2, brokenPlanAfterMissedInstallments: 2, contactHours: { from: 8, to: 20, spread: true } },
      debtorCommunication: { emailOnClosePaidInFull: true, emailOnCloseSettlement: false },
    });
    expect(c.finances).toEqual({ currency: 'EUR', costs: [], interest: { annualRatePercent: 0 }, commission: { percent: 0 } });
    expect(c.workflows).toEqual({ breathingSpace: [], mainOutreach: [], paymentPlan: [], onHold: [], retry: [] });
    expect(c.portfolios).toEqual([]);
  });

  it('refuses contact hours that end before they start, or in an unknown zone, naming the field', () => {
    const bad = (contactHours: unknown) => clientInputSchema.safeParse({ companyInfo: { name: 'A' }, settings: { workflow: { contactHours } } });
    expect(bad({ from: 20, to: 8 }).error?.issues[0]).toMatchObject({ path: ['settings', 'workflow', 'contactHours', 'to'] });
    expect(bad({ timeZone: 'Mars/Olympus' }).error?.issues[0]).toMatchObject({ path: ['settings', 'workflow', 'contactHours', 'timeZone'] });
    expect(bad({ from: 9, to: 17, timeZone: 'America/Chicago' }).success).toBe(true);
  });

  it('keeps the defaults of sibling fields when one nested field is given', () => {
    const c = clientInputSchema.parse({ companyInfo: { name: 'A' }, settings: { workflow: { breathingSpace: { enabled: false } } } });
    expect(c.settings.workflow.breathingSpace).toEqual({ enabled: false, days: 14 });
    expect(c.settings.workflow.maxPhoneCallRetries).toBe(2);
  });

  it('accepts the contract’s full example body', () => {
    const body = {
      companyInfo: { name: 'Bright Energy BV', address: { line1: 'Main St 1', postcode: '1011AB', city: 'Amsterdam', country: 'NL' }, registrationNumber: '123', vatNumber: 'NL1' },
      contacts: [{ name: 'Ann', email: 'ann@bright.example', role: 'operational_lead' }],
      settings: {
        businessEntityId: 'be_1',
        enrichment: { intervalDays: 30, attempts: 2 },
        import: { newCasePerInvoice: false, matchOnClientCaseNumber: true },
        workflow: { breathingSpace: { enabled: true, days: 14 }, paymentPlanReminderDays: 3, maxPhoneCallRetries: 2 },
        debtorCommunication: { emailOnClosePaidInFull: true, emailOnCloseSettlement: false },
      },
      finances: { currency: 'EUR', costs: [{ name: 'collection fee', kind: 'fixed', amountMinor: 2500 }], interest: { annualRatePercent: 8 } },
      workflows: {
        mainOutreach: [
          { type: 'email', afterDays: 0, template: 'first-notice' },
          { type: 'sms', afterDays: 3, template: 'reminder' },
        ],
        breathingSpace: [],
        paymentPlan: [{ type: 'email', on: 'reminder', template: 'plan-reminder' }],
        onHold: [],
        retry: [],
      },
      portfolios: [{ name: 'default', workflowOverrides: { breathingSpace: { enabled: false } } }],
    };
    expect(clientInputSchema.safeParse(body).success).toBe(true);
  });

  it('names every bad field with its path and a reason', () => {
    const result = clientInputSchema.safeParse({
      companyInfo: { name: '' },
      contacts: [{ name: 'X', email: 'not-an-email', role: 'boss' }],
      settings: { workflow: { breathingSpace: { days: -1 } } },
      finances: { currency: 'eur', costs: [{ name: 'fee', kind: 'fixed', amountMinor: 12.5 }] },
      workflows: { mainOutreach: [{ type: 'fax', afterDays: 0, template: 'x' }, { type: 'email', afterDays: 1.5 }] },
      portfolios: [{ name: 'a' }, { name: 'a' }],
    });
    const fields = problems(result).map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'companyInfo.name',
        'contacts.0.email',
        'contacts.0.role',
        'settings.workflow.breathingSpace.days',
        'finances.currency',
        'finances.costs.0.amountMinor',
        'workflows.mainOutreach.0.type',
        'workflows.mainOutreach.1.afterDays',
        'portfolios',
      ]),
    );
    const money = problems(result).find((d) => d.field === 'finances.costs.0.amountMinor');
    expect(money?.message).toMatch(/integer number of minor units/);
  });

  it('refuses a currency that is not ISO 4217', () => {
    const r = clientInputSchema.safeParse({ companyInfo: { name: 'A' }, finances: { currency: 'XYZ' } });
    expect(problems(r)).toEqual([{ field: 'finances.currency', message: 'is not an ISO 4217 currency code' }]);
  });

  it('requires a template on channel nodes but lets a ticket use a title', () => {
    expect(clientInputSchema.safeParse({ companyInfo: { name: 'A' }, workflows: { mainOutreach: [{ type: 'ticket', afterDays: 5, title: 'Call the debtor’s employer' }] } }).success).toBe(true);
    const r = clientInputSchema.safeParse({ companyInfo: { name: 'A' }, workflows: { mainOutreach: [{ type: 'email', afterDays: 5 }] } });
    expect(problems(r)).toEqual([{ field: 'workflows.mainOutreach.0.template', message: 'needs a template (tickets may give a title instead; call nodes need none)' }]);
  });

  it('takes payment-plan nodes by event, not by day', () => {
    const r = clientInputSchema.safeParse({ companyInfo: { name: 'A' }, workflows: { paymentPlan: [{ type: 'sms', on: 'someday', template: 't' }] } });
    expect(problems(r).map((d) => d.field)).toEqual(['workflows.paymentPlan.0.on']);
  });
});

describe('business entity schema', () => {
  it('needs a name and a sender email and defaults the rest', () => {
    const e = businessEntityInputSchema.parse({ name: 'Acme Collections Ltd', senderEmail: 'collections@acme.example' });
    expect(e.invoiceSettings).toEqual({ prefix: '', paymentTermsDays: 14 });
    expect(e.templates).toEqual({});
    expect(problems(businessEntityInputSchema.safeParse({ senderEmail: 'x' })).map((d) => d.field)).toEqual(['name', 'senderEmail']);
  });

  it('refuses an empty template and a bad template name', () => {
    const r = businessEntityInputSchema.safeParse({ name: 'A', senderEmail: 'a@b.example', templates: { 'First Notice': { text: 'x' }, ok: {} } });
    expect(problems(r).map((d) => d.field).sort()).toEqual(['templates.First Notice', 'templates.ok']);
  });
});

describe('calendar dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-02-30', false],
    ['31/12/2025', false],
    ['2025-12-31', true],
    ['2025-1-5', false],
  ])('%s is a real date: %s', (d, ok) => expect(isRealIsoDate(d)).toBe(ok));
});

describe('unknown fields', () => {
  it('refuses an unknown key anywhere in a client body, naming the key by its path', () => {
    const r = clientInputSchema.safeParse({
      companyInfo: { name: 'A', adress: {} },
      setings: {},
      finances: { billingInfo: { name: 'Accounts' }, interest: { rate: 8 } },
      workflows: { mainOutreach: [{ type: 'email', afterDays: 0, template: 't', subjct: 'x' }] },
      portfolios: [{ name: 'p', workflowOverides: {} }],
    });
    expect(problems(r).map((d) => d.field).sort()).toEqual([
      'companyInfo.adress',
      'finances.interest.rate',
      'portfolios.0.workflowOverides',
      'setings',
      'workflows.mainOutreach.0.subjct',
    ]);
    expect(problems(r)[0]!.message).toMatch(/not a known field/);
  });

  it('refuses an unknown key in a business entity and in its templates', () => {
    const r = businessEntityInputSchema.safeParse({ name: 'A', senderEmail: 'a@b.example', footer: 'x', templates: { t: { text: 'x', sms_text: 'y' } } });
    expect(problems(r).map((d) => d.field).sort()).toEqual(['footer', 'templates.t.sms_text']);
  });
});

describe('the commercial agreement in finances', () => {
  it('keeps commission and billing details', () => {
    const finances = {
      currency: 'EUR',
      commission: { percent: 12.5, minimumPerCaseMinor: 1500 },
      billingInfo: { name: 'FinView Accounts', email: 'ap@finview.example', address: { line1: 'Dam 1', city: 'Amsterdam', country: 'NL' }, vatNumber: 'NL123', reference: 'PO-77', iban: 'NL91ABNA0417164300', paymentTermsDays: 30, invoiceFrequency: 'monthly' },
      enrichmentCostMinor: 250,
    };
    expect(clientInputSchema.parse({ companyInfo: { name: 'A' }, finances }).finances).toMatchObject(finances);
  });

  it('refuses a bad IBAN and an amount beyond what a case can hold, saying the bound', () => {
    const r = clientInputSchema.safeParse({ companyInfo: { name: 'A' }, finances: { billingInfo: { iban: 'nl91 abna' }, enrichmentCostMinor: 2 ** 53 } });
    const d = problems(r);
    expect(d.map((x) => x.field).sort()).toEqual(['finances.billingInfo.iban', 'finances.enrichmentCostMinor']);
    expect(d.find((x) => x.field === 'finances.enrichmentCostMinor')!.message).toMatch(/at most 1000000000000 minor units/);
  });
});

describe('control characters', () => {
  it('are refused in names', () => {
    expect(problems(clientInputSchema.safeParse({ companyInfo: { name: 'Acme\u0000Ltd' } }))).toEqual([{ field: 'companyInfo.name', message: expect.stringMatching(/control characters/) }]);
    expect(problems(businessEntityInputSchema.safeParse({ name: 'A\u001b[31m', senderEmail: 'a@b.example' })).map((d) => d.field)).toEqual(['name']);
  });
});
