import { describe, expect, it } from 'vitest';
import { applyCharges, applyPayment, balanceAsOf, openLedger } from '../../shared/domain/ledger';
import { allocateToInstallments, newPlan } from '../../shared/domain/payment-plan';
import {
  BUILTIN_TEMPLATES,
  BUILTIN_TEMPLATE_NAMES,
  TemplateNotFoundError,
  TemplateRenderError,
  buildMergeView,
  findTemplate,
  mergeFields,
  renderMessage,
  renderText,
} from '../../shared/domain/templates';
import { CLOSURE_TEMPLATES } from '../../shared/domain/transition';
import { DEFAULT_PLAN_NODES } from '../../shared/domain/payment-plan';
import type { Case } from '../../shared/schemas/case';

const theCase: Pick<Case, 'caseId' | 'clientCaseNumber' | 'debtor' | 'invoices' | 'phase' | 'portfolio'> = {
  caseId: 'c-123',
  clientCaseNumber: 'ACME-42',
  debtor: { type: 'person', name: 'Dana <O’Brien> & Co', email: 'dana@example.com', address: { line1: '1 High St', postcode: 'AB1 2CD', city: 'Town', country: 'GB' } },
  invoices: [
    { invoiceNumber: 'INV-1', dueDate: '2026-01-01', amountMinor: 60_000, currency: 'EUR' },
    { invoiceNumber: 'INV-2', dueDate: '2026-01-15', amountMinor: 40_000, currency: 'EUR' },
  ],
  phase: 'outreach',
  portfolio: 'consumer',
};
const ledger = applyPayment(
  applyCharges(openLedger(100_000, 'EUR'), { costs: [{ name: 'fee', kind: 'fixed', amountMinor: 2_500 }], interest: { annualRatePercent: 8 } }, '2026-01-01', '2026-01-01T00:00:00.000Z'),
  10_000,
  '2026-01-31',
).ledger;
const balance = balanceAsOf(ledger, '2026-01-31');
const client = { companyInfo: { name: 'Acme Energy', address: {} } };
const entity = { name: 'Acme Collections Ltd', senderEmail: 'collections@acme.example', emailFooter: 'Acme Collections Ltd, registered in England 0123456', address: {} };
const view = () => buildMergeView({ case: theCase, balance, client, entity, today: '2026-01-31' });

describe('merge fields', () => {
  it('renders debtor, client, case, balance with currency, entity; no HTML escaping in text', () => {
    const text = renderText('Dear {{debtor.name}}, you owe {{balance.outstanding}} to {{client.name}} (ref {{case.reference}}, invoices {{case.invoiceNumbers}}). {{entity.name}}', view(), { templateName: 't' });
    expect(text).toBe('Dear Dana <O’Brien> & Co, you owe €931.58 to Acme Energy (ref ACME-42, invoices INV-1, INV-2). Acme Collections Ltd');
  });

  it('escapes values in HTML', () => {
    expect(renderText('<p>{{debtor.name}}</p>', view(), { templateName: 't', html: true })).toBe('<p>Dana &lt;O’Brien&gt; &amp; Co</p>');
  });

  it('formats every balance amount exactly', () => {
    expect(view().balance).toMatchObject({ principal: '€1,000.00', costs: '€25.00', interest: '€6.58', paid: '€100.00', outstanding: '€931.58', credit: '€0.00', settlement: '' });
    const yen = buildMergeView({ case: theCase, balance: { ...balance, currency: 'JPY', outstandingMinor: 123_456 }, client, today: '2026-01-31' });
    expect((yen.balance as Record<string, string>).outstanding).toBe('JP¥123,456');
  });

  it('gives installment and plan fields for plan messages', () => {
    const plan = allocateToInstallments(
      newPlan(
        [
          { dueDate: '2026-02-15', amountMinor: 50_000 },
          { dueDate: '2026-03-15', amountMinor: 43_158 },
        ],
        '2026-01-31T00:00:00.000Z',
      ),
      20_000,
    ).plan;
    const v = buildMergeView({ case: theCase, balance, client, entity, plan, installmentIndex: 0, today: '2026-02-12' });
    expect(v.installment).toEqual({ number: 1, count: 2, dueDate: '2026-02-15', amount: '€500.00', paid: '€200.00', remaining: '€300.00' });
    expect(v.plan).toMatchObject({ installmentCount: 2, total: '€931.58', nextDueDate: '2026-02-15', nextAmount: '€300.00' });
    expect(() => buildMergeView({ case: theCase, balance, client, plan, installmentIndex: 5, today: '2026-02-12' })).toThrow(/instalment 5 does not exist/);
  });

  it('falls back to the case id for the reference and to the client for the signature', () => {
    const v = buildMergeView({ case: { ...theCase, clientCaseNumber: undefined }, balance, client, today: '2026-01-31' });
    expect(renderText('{{case.reference}} / {{entity.name}} / [{{debtor.phone}}]', v, { templateName: 't' })).toBe('c-123 / Acme Energy / []');
  });

  it('refuses an unknown merge field by name instead of leaving a blank', () => {
    expect(() => renderText('Dear {{debtor.nmae}}, {{balance.outstanding}} {{foo}}', view(), { templateName: 'first-notice' })).toThrow(
      'template "first-notice": unknown merge fields {{debtor.nmae}}, {{foo}}; fields available here start with: today, debtor, client, case, balance, entity',
    );
    // installment exists only in plan messages
    expect(() => renderText('{{installment.amount}}', view(), { templateName: 'x' })).toThrow(TemplateRenderError);
  });

  it('reports an unparsable template', () => {
    expect(() => renderText('{{#debtor}} never closed', view(), { templateName: 'broken' })).toThrow(/template "broken": cannot be parsed/);
  });

  it('lists the fields a template uses', () => {
    expect(mergeFields('{{a.b}} {{{c}}} {{& d}} {{#s}}{{inner}}{{/s}}')).toEqual(['a.b', 'c', 'd']);
  });
});

describe('template lookup', () => {
  const mine = { subject: 'client', text: 'client text' };
  const theirs = { subject: 'entity', text: 'entity text' };

  it('prefers the client’s template, then the entity’s, then the built-in', () => {
    expect(findTemplate('first-notice', { client: { templates: { 'first-notice': mine } }, entity: { templates: { 'first-notice': theirs } } })).toEqual({ template: mine, source: 'client' });
    expect(findTemplate('first-notice', { client: { templates: {} }, entity: { templates: { 'first-notice': theirs } } })).toEqual({ template: theirs, source: 'entity' });
    expect(findTemplate('plan-reminder', { client: { templates: {} } })).toEqual({ template: BUILTIN_TEMPLATES['plan-reminder'], source: 'builtin' });
    expect(findTemplate('plan-reminder', { entity: { templates: { 'plan-reminder': theirs } } }).source).toBe('entity');
  });

  it('names a missing template and says what to do', () => {
    expect(() => findTemplate('second-notice', { client: { templates: {} } })).toThrow(TemplateNotFoundError);
    expect(() => findTemplate('second-notice', {})).toThrow(/template "second-notice" not found in the client's templates, its business entity's templates or the built-in texts; add it/);
  });

  it('has a built-in for every default plan node and closure email', () => {
    const used = [...Object.values(DEFAULT_PLAN_NODES).flat().map((n) => n.template), ...Object.values(CLOSURE_TEMPLATES)];
    for (const name of used) expect(BUILTIN_TEMPLATE_NAMES).toContain(name);
  });
});

describe('renderMessage', () => {
  const plan = newPlan(
    [
      { dueDate: '2026-02-15', amountMinor: 50_000 },
      { dueDate: '2026-03-15', amountMinor: 43_158 },
    ],
    '2026-01-31T00:00:00.000Z',
  );
  const planView = buildMergeView({ case: theCase, balance, client, entity, plan, installmentIndex: 1, today: '2026-03-12' });

  it('renders every built-in text on every channel it has, without unknown fields', () => {
    for (const name of BUILTIN_TEMPLATE_NAMES) {
      const settledBalance = { ...balance, settlementAmountMinor: 50_000, settlementOutstandingMinor: 0 };
      const v = name.startsWith('plan-') ? planView : buildMergeView({ case: theCase, balance: settledBalance, client, entity, today: '2026-03-12' });
      const email = renderMessage(BUILTIN_TEMPLATES[name], 'email', v, name);
      expect(email.subject).not.toContain('{{');
      expect(email.text).toContain('Dana <O’Brien> & Co');
      expect(renderMessage(BUILTIN_TEMPLATES[name], 'sms', v, name).text).toContain('Acme Energy');
    }
    const reminder = renderMessage(BUILTIN_TEMPLATES['plan-reminder'], 'email', planView, 'plan-reminder');
    expect(reminder.subject).toBe('Reminder: instalment 2 of 2 is due on 2026-03-15');
    expect(reminder.text).toContain('instalment 2 of 2 of your payment plan with Acme Energy, €431.58, is due on 2026-03-15.');
    expect(reminder.text.endsWith('Kind regards,\nAcme Collections Ltd\n\n--\nAcme Collections Ltd, registered in England 0123456')).toBe(true);
    const settled = renderMessage(BUILTIN_TEMPLATES['closure-settled'], 'email', buildMergeView({ case: theCase, balance: { ...balance, settlementAmountMinor: 50_000, settlementOutstandingMinor: 0 }, client, entity, today: '2026-03-12' }), 'closure-settled');
    expect(settled.text).toContain('agreed settlement of €500.00');
  });

  it('picks the part for each channel and falls back as documented', () => {
    const t = { subject: 'S {{debtor.name}}', text: 'T {{balance.outstanding}}', sms: 'M {{case.reference}}', html: '<b>{{debtor.name}}</b>' };
    expect(renderMessage(t, 'email', view(), 't')).toEqual({
      subject: 'S Dana <O’Brien> & Co',
      text: 'T €931.58\n\n--\nAcme Collections Ltd, registered in England 0123456',
      html: '<b>Dana &lt;O’Brien&gt; &amp; Co</b>',
    });
    expect(renderMessage(t, 'sms', view(), 't')).toEqual({ text: 'M ACME-42' });
    expect(renderMessage(t, 'voice', view(), 't')).toEqual({ text: 'M ACME-42' });
    expect(renderMessage({ ...t, voice: 'V {{debtor.name}}' }, 'voice', view(), 't').text).toBe('V Dana <O’Brien> & Co');
    expect(renderMessage(t, 'letter', view(), 't').text).toBe('T €931.58');
    expect(renderMessage({ title: undefined, subject: 'Call {{debtor.name}}' } as never, 'ticket', view(), 't').text).toBe('Call Dana <O’Brien> & Co');
  });

  it('says which part a channel is missing', () => {
    expect(() => renderMessage({ text: 'hello' }, 'email', view(), 'no-subject')).toThrow('template "no-subject": has no subject, which a email message needs');
    expect(() => renderMessage({ subject: 'hi' }, 'email', view(), 'no-body')).toThrow(/has no text or html part/);
    expect(() => renderMessage({ subject: 'hi' }, 'sms', view(), 'x')).toThrow(/has no sms or text part, which a sms message needs/);
  });
});
