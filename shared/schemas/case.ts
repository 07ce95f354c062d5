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
});
export type Ledger = z.infer<typeof ledgerSchema>;

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
  ...recordMetaSchema.shape,
});
export type Case = z.infer<typeof caseSchema>;
