import { z } from 'zod';
import { addressSchema, amountMinorSchema, countrySchema, currencySchema, isoDateSchema, isoInstantSchema, recordMetaSchema } from './common';

export const PHASES = ['breathing_space', 'outreach', 'payment_plan', 'on_hold', 'retry', 'closed'] as const;
export const phaseSchema = z.enum(PHASES);
export type Phase = z.infer<typeof phaseSchema>;

export const CLOSED_REASONS = ['paid_in_full', 'settled', 'withdrawn', 'written_off'] as const;
export const closedReasonSchema = z.enum(CLOSED_REASONS);
export type ClosedReason = z.infer<typeof closedReasonSchema>;

export const debtorSchema = z.object({
  type: z.enum(['person', 'company']).default('person'),
  name: z.string().min(1),
  email: z.string().optional(),
  phone: z.string().optional(),
  address: addressSchema.prefault({}),
  country: countrySchema.optional(),
  timezone: z.string().optional(),
});
export type Debtor = z.infer<typeof debtorSchema>;

export const invoiceSchema = z.object({
  invoiceNumber: z.string().min(1),
  invoiceDate: isoDateSchema.optional(),
  dueDate: isoDateSchema,
  amountMinor: amountMinorSchema,
  currency: currencySchema,
  description: z.string().optional(),
  importId: z.string().optional(),
});
export type Invoice = z.infer<typeof invoiceSchema>;

export const installmentSchema = z.object({
  dueDate: isoDateSchema,
  amountMinor: amountMinorSchema.refine((n) => n > 0, { message: 'must be greater than 0' }),
});
export type Installment = z.infer<typeof installmentSchema>;

/** Channels of contact, as a debtor allows or refuses them (voice calls and call-centre calls are both `phone`). */
export const CONTACT_CHANNELS = ['email', 'sms', 'phone', 'post'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
/** Per channel: false when the debtor may not be contacted that way (an opt-out); absent or true: allowed. */
export const contactAllowedSchema = z.object({ email: z.boolean(), sms: z.boolean(), phone: z.boolean(), post: z.boolean() }).partial();

/** The money on a case. Interest accrues daily on the outstanding principal from `interestFrom`. */
export const ledgerSchema = z.object({
  currency: currencySchema,
  principalMinor: amountMinorSchema,
  costsMinor: amountMinorSchema.default(0),
  /** Interest crystallised so far (at payments and phase changes); accrual since `interestAccruedTo` is added on read. */
  interestMinor: amountMinorSchema.default(0),
  paidMinor: amountMinorSchema.default(0),
  /** Date from which interest runs; absent while costs and interest are not applied (breathing space). */
  interestFrom: isoDateSchema.optional(),
  interestAccruedTo: isoDateSchema.optional(),
  annualRatePercent: z.number().min(0).default(0),
  /** Set once when costs and interest were applied: guards against applying them twice. */
  chargesAppliedAt: isoInstantSchema.optional(),
  settlementAmountMinor: amountMinorSchema.optional(),
  /** How payments were allocated so far (costs -> interest -> principal; absent = 0); interest accrues on principal minus paidPrincipalMinor. */
  paidCostsMinor: amountMinorSchema.optional(),
  paidInterestMinor: amountMinorSchema.optional(),
  paidPrincipalMinor: amountMinorSchema.optional(),
  /** Payments recorded with a reference, by reference: the same reference is never recorded twice. */
  paymentReferences: z.record(z.string(), z.object({ amountMinor: amountMinorSchema, receivedAt: isoInstantSchema, recordedAt: isoInstantSchema })).optional(),
  /** Set while interest is frozen (an active payment plan, and for good once the case closed); no interest accrues from this date until resumed. */
  interestSuspendedFrom: isoDateSchema.optional(),
  /** What was left unpaid when the case closed as settled or written off. */
  writtenOffMinor: amountMinorSchema.optional(),
});
export type Ledger = z.infer<typeof ledgerSchema>;

export const HOLD_REASONS = ['dispute', 'investigation'] as const;

/** The execution that currently drives the case; a send from any other run is refused by the guard. */
export const workflowRunSchema = z.object({
  kind: z.enum(['breathingSpace', 'mainOutreach', 'paymentPlan', 'onHold', 'retry']),
  /** Deterministic execution name: `${caseId}-${kind}-${seq}`. */
  executionName: z.string(),
  seq: z.number().int().min(1),
  startedAt: isoInstantSchema,
  /** True when this run continues an earlier one (after a hold, a plan, or continue-as-new): one-off steps such as "plan agreed" are not repeated. */
  resumed: z.boolean().optional(),
});
export type WorkflowRun = z.infer<typeof workflowRunSchema>;

export const planInstallmentStateSchema = installmentSchema.extend({
  paidMinor: amountMinorSchema.default(0),
  status: z.enum(['due', 'paid', 'missed']).default('due'),
  /** When its due check ran; a schedule never checks an instalment twice. */
  checkedAt: isoInstantSchema.optional(),
});

export const paymentPlanSchema = z.object({
  agreedAt: isoInstantSchema,
  installments: z.array(planInstallmentStateSchema).min(1),
  status: z.enum(['active', 'completed', 'broken']).default('active'),
});
export type PaymentPlan = z.infer<typeof paymentPlanSchema>;

export const holdSchema = z.object({
  reason: z.enum(HOLD_REASONS),
  note: z.string().optional(),
  since: isoInstantSchema,
  /** Where the case was when it went on hold; release returns there unless told otherwise. */
  fromPhase: phaseSchema,
});
export type Hold = z.infer<typeof holdSchema>;

export const caseSchema = z.object({
  caseId: z.string(),
  clientId: z.string(),
  debtorId: z.string(),
  clientCaseNumber: z.string().optional(),
  portfolio: z.string().optional(),
  debtor: debtorSchema,
  invoices: z.array(invoiceSchema),
  ledger: ledgerSchema,
  phase: phaseSchema,
  closedReason: closedReasonSchema.optional(),
  closedAt: isoInstantSchema.optional(),
  /** Settings in force for this case (client + portfolio), fixed when the case was created. */
  breathingSpaceDays: z.number().int().min(0).optional(),
  workflow: workflowRunSchema.optional(),
  /** How far each timed workflow got, so a release continues where it stopped: index of the next node and when the workflow started. */
  progress: z
    .record(
      z.string(),
      z.object({
        startedAt: isoInstantSchema,
        nextNode: z.number().int().min(0),
        pausedAt: isoInstantSchema.optional(),
        /** Total time this workflow spent paused (holds, plans): remaining nodes fire this much later. */
        shiftMs: z.number().int().min(0).optional(),
      }),
    )
    .default({}),
  /** Last workflow sequence number used for this case; each start takes the next, so execution names never repeat. */
  workflowSeq: z.number().int().min(0).optional(),
  paymentPlan: paymentPlanSchema.optional(),
  hold: holdSchema.optional(),
  /**
   * What the skip-trace lookups of this case cost the client so far (each attempt at the price in
   * the client's finances, `enrichmentCostMinor`, in the client's currency); absent before the first.
   */
  enrichmentCostMinor: amountMinorSchema.optional(),
  /** Channels the debtor may be contacted on; contact allowed unless set to false. */
  contactAllowed: contactAllowedSchema.default({}),
  /** The import and data row that created the case (its id derives from the client and its first invoice number). */
  origin: z.object({ importId: z.string(), row: z.number().int().min(1) }).optional(),
  /**
   * The case's first timeline events (imported; charges applied when breathing space is off),
   * kept on the case item rather than as items of their own: they are written with the case, so
   * this saves a write per imported case. The timeline read lists them before the stored events.
   */
  importEvents: z.array(z.lazy(() => timelineEventSchema)).optional(),
  ...recordMetaSchema.shape,
});
export type Case = z.infer<typeof caseSchema>;

/** One line of a case's timeline. */
export const timelineEventSchema = z.object({
  at: isoInstantSchema,
  type: z.string(),
  /** Human-readable summary, e.g. "costs 25.00 EUR and interest from 2026-01-19 applied". */
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
  /** Who did it, when a person or a system asked for it: a user's email, "API key ..." or "admin token". */
  by: z.string().optional(),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

export const COMMUNICATION_STATUSES = ['sending', 'sent', 'failed', 'skipped', 'unknown'] as const;

/** One attempt to reach the debtor on a channel. */
export const communicationSchema = z.object({
  /** Idempotency key: case, execution, node, attempt. */
  key: z.string(),
  /** The case's client: what puts the communication on the client's lists (GET /clients/{clientId}/communications). */
  clientId: z.string().optional(),
  at: isoInstantSchema,
  channel: z.enum(['email', 'sms', 'voice', 'call', 'letter', 'ticket']),
  workflow: z.string(),
  node: z.number().int().min(0),
  attempt: z.number().int().min(1).default(1),
  template: z.string().optional(),
  recipient: z.string().optional(),
  status: z.enum(COMMUNICATION_STATUSES),
  reason: z.string().optional(),
  /** A failed send the provider refused for now: its step's retry (or a resumed run) sends it again. */
  retryable: z.boolean().optional(),
  providerId: z.string().optional(),
  /**
   * What the debtor was sent, as rendered (money and dates formatted): an email's, a letter's or
   * a ticket's subject (a ticket's title). Recorded once the message is rendered.
   */
  subject: z.string().optional(),
  /** The rendered text: an email's text part (with the footer), an SMS, a voice or call script, a letter's body, a ticket's description. */
  text: z.string().optional(),
  /** A letter's PDF: its object key in the letters bucket. Stored only; the API answers a presigned `pdfUrl` instead. */
  pdfKey: z.string().optional(),
});
export type Communication = z.infer<typeof communicationSchema>;
