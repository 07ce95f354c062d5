import { z } from 'zod';
import { MANUAL_CLOSE_REASONS } from '../domain/transition';
import { contactAllowedSchema, HOLD_REASONS, installmentSchema } from './case';
import { nowIso } from '../adapters/clock';
import { EARLIEST_DATE, countrySchema, emailSchema, isoInstantSchema, lineTextSchema, multiLineTextSchema, positiveBoundedAmountMinorSchema, timeZoneSchema } from './common';

/** A payment is reported once it was received: not before 2000, not in the future (a few minutes of clock skew aside). */
const SKEW_MS = 5 * 60_000;
const receivedAtSchema = isoInstantSchema.refine((at) => at >= `${EARLIEST_DATE}T00:00:00` && Date.parse(at) <= Date.parse(nowIso()) + SKEW_MS, {
  message: `must be between ${EARLIEST_DATE} and now: a payment is recorded once it was received`,
});

/** The furthest a plan reaches: ten years of monthly instalments. */
const PLAN_YEARS = 10;
const MAX_INSTALLMENTS = 120;
const planDueDateInRange = (dueDate: string): boolean => {
  const today = nowIso().slice(0, 10);
  const latest = new Date(Date.parse(today) + PLAN_YEARS * 365.25 * 86_400_000).toISOString().slice(0, 10);
  const earliest = new Date(Date.parse(today) - 365 * 86_400_000).toISOString().slice(0, 10);
  return dueDate >= earliest && dueDate <= latest;
};
const planInstallmentSchema = installmentSchema
  .extend({
    amountMinor: positiveBoundedAmountMinorSchema,
    dueDate: installmentSchema.shape.dueDate.refine(planDueDateInRange, { message: `must be within a year before today and ${PLAN_YEARS} years after it` }),
  })
  .strict();

/** The bodies of the case actions (POST /cases/{caseId}/...): one phase event each. */

export const paymentBodySchema = z
  .object({
    amountMinor: positiveBoundedAmountMinorSchema.describe('integer minor units (cents), > 0, at most 10^12'),
    receivedAt: receivedAtSchema.optional().describe('when the money arrived, between 2000-01-01 and now; default now'),
    method: lineTextSchema(50).min(1).optional().describe('e.g. bank_transfer, card'),
    reference: lineTextSchema(100).min(1).optional().describe('identifies the payment: the same reference posted again is recorded once'),
  })
  .strict();

export const planBodySchema = z
  .object({ installments: z.array(planInstallmentSchema).min(1, 'a plan needs at least one instalment').max(MAX_INSTALLMENTS, `a plan has at most ${MAX_INSTALLMENTS} instalments`) })
  .strict();
export const holdBodySchema = z.object({ reason: z.enum(HOLD_REASONS), note: multiLineTextSchema(1_000).optional() }).strict();
export const releaseBodySchema = z
  .object({ resumeTo: z.enum(['outreach', 'payment_plan']).optional().describe('default: where the case was when it went on hold') })
  .strict();
export const settleBodySchema = z.object({ amountMinor: positiveBoundedAmountMinorSchema.describe('the agreed settlement in minor units; the case closes as settled once paid') }).strict();
export const closeBodySchema = z
  .object({ reason: z.enum(MANUAL_CLOSE_REASONS).describe('withdrawn: the client took the case back; written_off: what is owed moves to writtenOffMinor'), note: multiLineTextSchema(1_000).optional() })
  .strict();
export const contactPreferencesBodySchema = contactAllowedSchema
  .extend({ note: multiLineTextSchema(1_000).optional() })
  .strict()
  .refine((b) => Object.keys(b).some((k) => k !== 'note'), { message: 'name at least one channel: email, sms, phone or post (true allows it, false stops it)' });

/**
 * `PATCH /cases/{caseId}`: a JSON Merge Patch of the debtor's contact data (null removes an
 * optional field); the `version` read makes a concurrent change a 409 instead of being overwritten.
 */
export const debtorCorrectionBodySchema = z
  .object({
    version: z.number().int().min(1).optional().describe('the case version you read; or send If-Match: <version>'),
    debtor: z
      .object({
        name: lineTextSchema(200).pipe(z.string().min(1, 'is required')),
        email: z.string().trim().pipe(emailSchema.max(254)).nullable(),
        phone: lineTextSchema(30).nullable().describe('E.164 preferred; a national number is read with the debtor country'),
        address: z
          .object({ line1: lineTextSchema(200).nullable(), line2: lineTextSchema(200).nullable(), postcode: lineTextSchema(20).nullable(), city: lineTextSchema(100).nullable(), country: countrySchema.nullable() })
          .partial()
          .strict(),
        timezone: timeZoneSchema.nullable().describe('IANA zone the contact hours are read in'),
      })
      .partial()
      .strict()
      .refine((d) => Object.keys(d).length > 0, { message: 'name at least one of name, email, phone, address, timezone' }),
  })
  .strict();
export type DebtorCorrection = z.infer<typeof debtorCorrectionBodySchema>['debtor'];
