import { z } from 'zod';

/** ISO 4217 codes the runtime knows; `Intl` is the single source so we never ship a stale list. */
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'must be a three-letter ISO 4217 code in capitals, e.g. EUR', abort: true })
  .refine((c) => KNOWN_CURRENCIES.has(c), { message: 'is not an ISO 4217 currency code' });

/** Money is always integer minor units (cents); never floats. */
export const amountMinorSchema = z
  .number({ error: 'must be an integer number of minor units (cents)' })
  .int('must be an integer number of minor units (cents), e.g. 1234 for 12.34')
  .safe('is too large');

export const positiveAmountMinorSchema = amountMinorSchema.refine((n) => n > 0, { message: 'must be greater than 0' });

/** A calendar date `YYYY-MM-DD` that exists (2025-02-30 is refused). */
export const isoDateSchema = z.string().refine(isRealIsoDate, {
  message: 'must be a real calendar date in the form YYYY-MM-DD',
});

export function isRealIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** An instant in ISO 8601 UTC, e.g. 2026-01-31T09:00:00.000Z. */
export const isoInstantSchema = z.iso.datetime({ message: 'must be an ISO 8601 UTC instant, e.g. 2026-01-31T09:00:00Z' });

const KNOWN_ZONES = new Set(Intl.supportedValuesOf('timeZone'));
/** True for an IANA time zone name the runtime knows, e.g. Europe/London. */
export const isTimeZone = (zone: string): boolean => KNOWN_ZONES.has(zone);
export const timeZoneSchema = z.string().refine(isTimeZone, { message: 'is not an IANA time zone, e.g. Europe/London' });

export const countrySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code in capitals, e.g. GB');

export const addressSchema = z.strictObject({
  line1: z.string().max(200).optional(),
  line2: z.string().max(200).optional(),
  postcode: z.string().max(20).optional(),
  city: z.string().max(100).optional(),
  country: countrySchema.optional(),
});
export type Address = z.infer<typeof addressSchema>;

export const emailSchema = z.email({ message: 'must be an email address' });

/** Fields every stored record carries. */
export const recordMetaSchema = z.object({
  version: z.number().int().positive(),
  createdAt: isoInstantSchema,
  updatedAt: isoInstantSchema,
});

/** Control characters (NUL, escape, line breaks...): never part of a name or a reference. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, but line breaks and tabs are text in a note or a template. */
const CONTROL_CHARACTERS_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export const hasControlCharacters = (s: string): boolean => CONTROL_CHARACTERS.test(s);

/** One line of text (a name, a reference): trimmed, at most `max` characters, no control characters. */
export const lineTextSchema = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL_CHARACTERS.test(s), { message: 'must not contain control characters (NUL, tab, line break, escape)' });

/** Free text (a note): at most `max` characters; line breaks and tabs allowed, other control characters not. */
export const multiLineTextSchema = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL_CHARACTERS_BUT_LINES.test(s), { message: 'must not contain control characters other than line breaks and tabs' });

/**
 * The largest amount a case can hold: 10^12 minor units (10,000,000,000.00). Far above any real
 * debt, far below 2^53, so every sum of a case's amounts stays an exact integer.
 */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

/** An amount a case can hold: an integer of minor units, 0 to MAX_AMOUNT_MINOR. */
export const boundedAmountMinorSchema = z
  .number({ error: 'must be an integer number of minor units (cents)' })
  .max(MAX_AMOUNT_MINOR, { message: `must be at most ${MAX_AMOUNT_MINOR} minor units (10,000,000,000.00)`, abort: true })
  .min(0, { message: 'must not be negative', abort: true })
  .int('must be an integer number of minor units (cents), e.g. 1234 for 12.34');
export const positiveBoundedAmountMinorSchema = boundedAmountMinorSchema.refine((n) => n > 0, { message: 'must be greater than 0' });

/** The earliest date or instant a case's money can carry (a payment received, an instalment due). */
export const EARLIEST_DATE = '2000-01-01';
/** The latest date a case's record carries (an invoice date, a due date); plans have their own, nearer bound. */
export const LATEST_DATE = '2099-12-31';
