import Mustache from 'mustache';
import { ValidationError } from '../errors';
import type { BusinessEntity, Template } from '../schemas/business-entity';
import type { Case, PaymentPlan } from '../schemas/case';
import type { Client } from '../schemas/client';
import type { Address } from '../schemas/common';
import type { NodeType } from '../schemas/workflow';
import type { Balance } from './ledger';
import { formatMoney } from './money';

/**
 * Message templates: `{{path}}` merge fields over `debtor`, `client`, `case`, `balance`
 * (amounts formatted with their currency), `installment`, `plan`, `entity` and `today`,
 * rendered with mustache. Text, SMS, voice and letters are not HTML-escaped; the `html` part is.
 * A merge field that names nothing (a typo, or `installment` outside a plan message) is an
 * error naming the field, never a silent blank in a debtor's letter.
 *
 * Lookup by name: the client's templates, then its business entity's, then the built-in texts.
 */

export const BUILTIN_TEMPLATE_NAMES = ['plan-reminder', 'plan-late-notice', 'plan-broken', 'closure-paid-in-full', 'closure-settled'] as const;
export type BuiltinTemplateName = (typeof BUILTIN_TEMPLATE_NAMES)[number];

const SIGN_OFF = 'Kind regards,\n{{entity.name}}';

export const BUILTIN_TEMPLATES: Record<BuiltinTemplateName, Template> = {
  'plan-reminder': {
    subject: 'Reminder: instalment {{installment.number}} of {{installment.count}} is due on {{installment.dueDate}}',
    text: `Dear {{debtor.name}},

This is a friendly reminder that instalment {{installment.number}} of {{installment.count}} of your payment plan with {{client.name}}, {{installment.remaining}}, is due on {{installment.dueDate}}.

Reference: {{case.reference}}

${SIGN_OFF}`,
    sms: '{{client.name}}: instalment {{installment.number}} of your payment plan, {{installment.remaining}}, is due on {{installment.dueDate}}. Ref {{case.reference}}.',
  },
  'plan-late-notice': {
    subject: 'Missed instalment: {{installment.remaining}} was due on {{installment.dueDate}}',
    text: `Dear {{debtor.name}},

We have not received instalment {{installment.number}} of {{installment.count}} of your payment plan with {{client.name}}: {{installment.remaining}} was due on {{installment.dueDate}}.

Please pay it as soon as possible to keep your plan. If you cannot, contact us so we can find a solution together.

Reference: {{case.reference}}

${SIGN_OFF}`,
    sms: '{{client.name}}: instalment {{installment.number}} of your payment plan ({{installment.remaining}}, due {{installment.dueDate}}) is unpaid. Please pay now to keep your plan. Ref {{case.reference}}.',
  },
  'plan-broken': {
    subject: 'Your payment plan has ended',
    text: `Dear {{debtor.name}},

Because instalments of your payment plan with {{client.name}} were not paid, the plan has ended. The outstanding balance of {{balance.outstanding}} is due.

Please pay it or contact us to discuss your options.

Reference: {{case.reference}}

${SIGN_OFF}`,
    sms: '{{client.name}}: your payment plan has ended because instalments were missed. {{balance.outstanding}} is due. Ref {{case.reference}}.',
  },
  'closure-paid-in-full': {
    subject: 'Paid in full: thank you',
    text: `Dear {{debtor.name}},

We have received your payment. Your debt to {{client.name}} (reference {{case.reference}}) is paid in full and your case is closed. You do not need to do anything more.

Thank you.

${SIGN_OFF}`,
    sms: '{{client.name}}: thank you, reference {{case.reference}} is paid in full and closed.',
  },
  'closure-settled': {
    subject: 'Settled: your case is closed',
    text: `Dear {{debtor.name}},

We have received the agreed settlement of {{balance.settlement}}. Your debt to {{client.name}} (reference {{case.reference}}) is settled and your case is closed. You do not need to do anything more.

${SIGN_OFF}`,
    sms: '{{client.name}}: thank you, the settlement for reference {{case.reference}} is paid and the case is closed.',
  },
};

export class TemplateNotFoundError extends ValidationError {
  constructor(readonly templateName: string) {
    super(`template "${templateName}" not found in the client's templates, its business entity's templates or the built-in texts; add it to the client or business entity, or change the node to a template that exists`, [
      { field: 'template', message: `no template named "${templateName}"` },
    ]);
  }
}

export class TemplateRenderError extends ValidationError {
  constructor(
    readonly templateName: string,
    message: string,
  ) {
    super(`template "${templateName}": ${message}`, [{ field: 'template', message }]);
  }
}

type TemplateSource = 'client' | 'entity' | 'builtin';

/** Finds a template by name: client overrides business entity, which overrides the built-in texts. */
export function findTemplate(
  name: string,
  sources: { client?: Pick<Client, 'templates'>; entity?: Pick<BusinessEntity, 'templates'> },
): { template: Template; source: TemplateSource } {
  const own = sources.client?.templates?.[name];
  if (own) return { template: own, source: 'client' };
  const entity = sources.entity?.templates?.[name];
  if (entity) return { template: entity, source: 'entity' };
  if ((BUILTIN_TEMPLATE_NAMES as readonly string[]).includes(name)) return { template: BUILTIN_TEMPLATES[name as BuiltinTemplateName], source: 'builtin' };
  throw new TemplateNotFoundError(name);
}

export type MergeView = Record<string, unknown>;

/** An address as the lines of an envelope: street lines, "postcode city", country; empty parts left out. */
export function addressLines(a: Address | undefined): string[] {
  return [a?.line1, a?.line2, [a?.postcode, a?.city].filter(Boolean).join(' '), a?.country].filter((x): x is string => Boolean(x));
}

function addressView(a: Address | undefined) {
  const v = { line1: a?.line1 ?? '', line2: a?.line2 ?? '', postcode: a?.postcode ?? '', city: a?.city ?? '', country: a?.country ?? '' };
  return { ...v, lines: addressLines(a).join('\n') };
}

/**
 * The merge fields of a message. Every field exists (empty text when unknown), except
 * `installment` and `plan`, which exist only for plan messages.
 */
export function buildMergeView(input: {
  case: Pick<Case, 'caseId' | 'clientCaseNumber' | 'debtor' | 'invoices' | 'phase' | 'portfolio'>;
  balance: Balance;
  client: Pick<Client, 'companyInfo'>;
  entity?: Pick<BusinessEntity, 'name' | 'senderEmail' | 'replyTo' | 'emailFooter' | 'address'>;
  plan?: PaymentPlan;
  installmentIndex?: number;
  today: string;
  locale?: string;
}): MergeView {
  const { balance: b, plan } = input;
  const money = (m: number) => formatMoney(m, b.currency, input.locale);
  const c = input.case;
  const company = input.client.companyInfo;
  const view: MergeView = {
    today: input.today,
    debtor: {
      name: c.debtor.name,
      type: c.debtor.type,
      email: c.debtor.email ?? '',
      phone: c.debtor.phone ?? '',
      address: addressView(c.debtor.address),
    },
    client: {
      name: company.name,
      registrationNumber: company.registrationNumber ?? '',
      vatNumber: company.vatNumber ?? '',
      address: addressView(company.address),
    },
    case: {
      id: c.caseId,
      reference: c.clientCaseNumber || c.caseId,
      clientCaseNumber: c.clientCaseNumber ?? '',
      invoiceNumbers: c.invoices.map((i) => i.invoiceNumber).join(', '),
      invoices: c.invoices.map((i) => ({ number: i.invoiceNumber, dueDate: i.dueDate, invoiceDate: i.invoiceDate ?? '', amount: formatMoney(i.amountMinor, i.currency, input.locale), description: i.description ?? '' })),
      phase: c.phase,
      portfolio: c.portfolio ?? '',
    },
    balance: {
      currency: b.currency,
      principal: money(b.principalMinor),
      costs: money(b.costsMinor),
      interest: money(b.interestMinor),
      paid: money(b.paidMinor),
      outstanding: money(b.outstandingMinor),
      credit: money(b.creditMinor),
      settlement: b.settlementAmountMinor === undefined ? '' : money(b.settlementAmountMinor),
      settlementOutstanding: b.settlementOutstandingMinor === undefined ? '' : money(b.settlementOutstandingMinor),
      outstandingMinor: b.outstandingMinor,
    },
    entity: {
      // Without a business entity, messages are signed with the client's name.
      name: input.entity?.name ?? company.name,
      senderEmail: input.entity?.senderEmail ?? '',
      replyTo: input.entity?.replyTo ?? '',
      emailFooter: input.entity?.emailFooter ?? '',
      address: addressView(input.entity?.address),
    },
  };
  if (plan) {
    const unpaid = plan.installments.find((i) => i.paidMinor < i.amountMinor);
    view.plan = {
      installmentCount: plan.installments.length,
      total: money(plan.installments.reduce((s, i) => s + i.amountMinor, 0)),
      nextDueDate: unpaid?.dueDate ?? '',
      nextAmount: unpaid ? money(unpaid.amountMinor - unpaid.paidMinor) : '',
      status: plan.status,
    };
    const idx = input.installmentIndex;
    const inst = idx === undefined ? undefined : plan.installments[idx];
    if (idx !== undefined && !inst) throw new RangeError(`instalment ${idx} does not exist; the plan has ${plan.installments.length}`);
    if (inst && idx !== undefined) {
      view.installment = {
        number: idx + 1,
        count: plan.installments.length,
        dueDate: inst.dueDate,
        amount: money(inst.amountMinor),
        paid: money(inst.paidMinor),
        remaining: money(Math.max(0, inst.amountMinor - inst.paidMinor)),
      };
    }
  }
  return view;
}

/** Field paths a template uses outside sections, e.g. ["debtor.name", "balance.outstanding"]. */
export function mergeFields(text: string): string[] {
  const out = new Set<string>();
  for (const token of Mustache.parse(text)) {
    const [type, value] = token;
    if ((type === 'name' || type === '&') && value !== '.') out.add(value);
  }
  return [...out];
}

function resolve(view: MergeView, path: string): unknown {
  let cur: unknown = view;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Renders one text. `html: true` escapes values for HTML; otherwise values go in as they are. */
export function renderText(text: string, view: MergeView, opts: { templateName: string; html?: boolean }): string {
  let unknown: string[];
  try {
    unknown = mergeFields(text).filter((f) => resolve(view, f) === undefined);
  } catch (e) {
    throw new TemplateRenderError(opts.templateName, `cannot be parsed: ${(e as Error).message}`);
  }
  if (unknown.length) {
    const roots = Object.keys(view).join(', ');
    throw new TemplateRenderError(opts.templateName, `unknown merge field${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `{{${f}}}`).join(', ')}; fields available here start with: ${roots}`);
  }
  return Mustache.render(text, view, undefined, opts.html ? {} : { escape: (v: unknown) => String(v) });
}

export interface RenderedMessage {
  subject?: string;
  /** Plain text: email text part, SMS, voice script, letter body, ticket description. */
  text: string;
  /** Email only, when the template has an html part. */
  html?: string;
}

/**
 * Renders a template for a channel: email needs a subject and text or html (the entity's footer
 * is appended to the text); SMS uses `sms`, else `text`; voice `voice`, else `sms`, else `text`;
 * letters `letter`, else `text`; calls and tickets `text`, else `sms`, else the subject.
 */
export function renderMessage(template: Template, channel: NodeType, view: MergeView, templateName: string): RenderedMessage {
  const r = (t: string) => renderText(t, view, { templateName });
  const need = (t: string | undefined, parts: string): string => {
    if (!t) throw new TemplateRenderError(templateName, `has no ${parts}, which a ${channel} message needs`);
    return t;
  };
  switch (channel) {
    case 'email': {
      const subject = r(need(template.subject, 'subject'));
      if (!template.text && !template.html) need(undefined, 'text or html part');
      const footer = String(resolve(view, 'entity.emailFooter') ?? '');
      const text = template.text ? r(template.text) + (footer ? `\n\n--\n${footer}` : '') : '';
      const html = template.html ? renderText(template.html, view, { templateName, html: true }) : undefined;
      return { subject, text, ...(html !== undefined ? { html } : {}) };
    }
    case 'sms':
      return { text: r(need(template.sms ?? template.text, 'sms or text part')) };
    case 'voice':
      return { text: r(need(template.voice ?? template.sms ?? template.text, 'voice, sms or text part')) };
    case 'letter':
      return { ...(template.subject ? { subject: r(template.subject) } : {}), text: r(need(template.letter ?? template.text, 'letter or text part')) };
    case 'call':
    case 'ticket':
      return { ...(template.subject ? { subject: r(template.subject) } : {}), text: r(need(template.text ?? template.sms ?? template.subject, 'text, sms or subject')) };
  }
}
