import { z } from 'zod';
import { MANUAL_CLOSE_REASONS } from '../domain/transition';
import { contactAllowedSchema, HOLD_REASONS, installmentSchema } from './case';
import { countrySchema, emailSchema, isoInstantSchema, lineTextSchema, positiveAmountMinorSchema, timeZoneSchema } from './common';

/** The bodies of the case actions (POST /cases/{caseId}/...): one phase event each. */

export const paymentBodySchema = z
  .object({
    amountMinor: positiveAmountMinorSchema.describe('integer minor units (cents), > 0'),
    receivedAt: isoInstantSchema.optional().describe('when the money arrived; default now'),
    method: z.string().trim().min(1).max(50).optional().describe('e.g. bank_transfer, card'),
    reference: z.string().trim().min(1).max(100).optional().describe('identifies the payment: the same reference posted again is recorded once'),
  })
  .strict();

export const planBodySchema = z.object({ installments: z.array(installmentSchema).min(1, 'a plan needs at least one instalment') }).strict();
export const holdBodySchema = z.object({ reason: z.enum(HOLD_REASONS), note: z.string().trim().max(1_000).optional() }).strict();
export const releaseBodySchema = z
  .object({ resumeTo: z.enum(['outreach', 'payment_plan']).optional().describe('default: where the case was when it went on hold') })
  .strict();
export const settleBodySchema = z.object({ amountMinor: positiveAmountMinorSchema.describe('the agreed settlement in minor units; the case closes as settled once paid') }).strict();
export const closeBodySchema = z
  .object({ reason: z.enum(MANUAL_CLOSE_REASONS).describe('withdrawn: the client took the case back; written_off: what is owed moves to writtenOffMinor'), note: z.string().trim().max(1_000).optional() })
  .strict();
export const contactPreferencesBodySchema = contactAllowedSchema
  .extend({ note: z.string().trim().max(1_000).optional() })
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
