import { z } from 'zod';
import { MoneyParseError, parseDecimalToMinor } from '../domain/money';
import { EARLIEST_DATE, LATEST_DATE, MAX_AMOUNT_MINOR, countrySchema, currencySchema, hasControlCharacters, isRealIsoDate, isTimeZone } from './common';

/** The columns of the case CSV (see CONTRACT.md), in the order the error report lists them. */
export const CSV_COLUMNS = [
  'client_case_number',
  'debtor_type',
  'debtor_name',
  'debtor_email',
  'debtor_phone',
  'debtor_address_line1',
  'debtor_address_line2',
  'debtor_postcode',
  'debtor_city',
  'debtor_country',
  'debtor_timezone',
  'invoice_number',
  'invoice_date',
  'due_date',
  'amount',
  'currency',
  'portfolio',
  'description',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

export const REQUIRED_COLUMNS = ['debtor_name', 'invoice_number', 'due_date', 'amount'] as const satisfies readonly CsvColumn[];

/** A row as read from the file: canonical column name -> raw text (absent columns are undefined). */
export type RawCsvRow = Partial<Record<CsvColumn, string>>;

const NO_CONTROL = { message: 'contains control characters (NUL, escape, a line break...); remove them' };

/** Empty cells mean "not given". Descriptions may hold line breaks (a quoted cell); nothing else may. */
const optionalText = (max: number, lines = false) =>
  z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().max(max, `is longer than ${max} characters`).refine((s) => !hasControlCharacters(lines ? s.replace(/[\r\n\t]/g, ' ') : s), NO_CONTROL))
    .optional()
    .transform((s) => (s ? s : undefined));

const requiredText = (max: number) =>
  z
    .string({ error: 'is required' })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'is required').max(max, `is longer than ${max} characters`).refine((s) => !hasControlCharacters(s), NO_CONTROL));

const csvDate = z
  .string()
  .transform((s) => s.trim())
  .superRefine((s, ctx) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) {
      ctx.addIssue({ code: 'custom', message: `must be a date in the form YYYY-MM-DD, e.g. 2025-12-31 (got "${truncate(s)}")` });
    } else if (!isRealIsoDate(s)) {
      ctx.addIssue({ code: 'custom', message: `${s} is not a real calendar date` });
    } else if (s < EARLIEST_DATE || s > LATEST_DATE) {
      ctx.addIssue({ code: 'custom', message: `${s} is outside the dates a case can hold (${EARLIEST_DATE} to ${LATEST_DATE})` });
    }
  });

/**
 * One CSV row, validated. Built per client because `amount` is parsed in the row's currency,
 * which defaults to the client's. Every issue's path is the column name, so a rejected row
 * says exactly which cell to fix.
 */
export function csvRowSchema(defaultCurrency: string) {
  return z
    .object({
      client_case_number: optionalText(100),
      debtor_type: z
        .string()
        .optional()
        .transform((s) => s?.trim().toLowerCase() || 'person')
        .pipe(z.enum(['person', 'company'], { error: 'must be "person" or "company"' })),
      debtor_name: requiredText(200),
      debtor_email: optionalText(254).pipe(z.email({ message: 'must be an email address' }).optional()),
      debtor_phone: optionalText(40),
      debtor_address_line1: optionalText(200),
      debtor_address_line2: optionalText(200),
      debtor_postcode: optionalText(20),
      debtor_city: optionalText(100),
      debtor_country: optionalText(2)
        .transform((s) => s?.toUpperCase())
        .pipe(countrySchema.optional()),
      debtor_timezone: optionalText(64).refine((z) => z === undefined || isTimeZone(z), { message: 'is not an IANA time zone, e.g. Europe/London' }),
      invoice_number: requiredText(100),
      invoice_date: optionalText(10).pipe(csvDate.optional()),
      due_date: requiredText(40).pipe(csvDate),
      // The shape is checked here (so it is reported with the row's other bad cells); decimals per currency below.
      amount: requiredText(40).superRefine((text, ctx) => {
        try {
          parseAmount(text, 'XXX', false);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: `${(e as Error).message} (got "${truncate(text)}")` });
        }
      }),
      currency: optionalText(10)
        .transform((s) => s?.toUpperCase())
        .pipe(currencySchema.optional()),
      portfolio: optionalText(100),
      description: optionalText(2000, true),
    })
    .transform((row, ctx) => {
      const currency = row.currency ?? defaultCurrency;
      let amountMinor = 0;
      try {
        amountMinor = parseAmount(row.amount, currency);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: e instanceof MoneyParseError ? `${e.message} (got "${truncate(row.amount)}")` : String(e) });
        return z.NEVER;
      }
      return {
        clientCaseNumber: row.client_case_number,
        portfolio: row.portfolio,
        debtor: {
          type: row.debtor_type,
          name: row.debtor_name,
          email: row.debtor_email,
          phone: row.debtor_phone,
          address: {
            line1: row.debtor_address_line1,
            line2: row.debtor_address_line2,
            postcode: row.debtor_postcode,
            city: row.debtor_city,
            country: row.debtor_country,
          },
          country: row.debtor_country,
          timezone: row.debtor_timezone,
        },
        invoice: {
          invoiceNumber: row.invoice_number,
          invoiceDate: row.invoice_date,
          dueDate: row.due_date,
          amountMinor,
          currency,
          description: row.description,
        },
      };
    });
}
export type CsvRow = z.output<ReturnType<typeof csvRowSchema>>;

/** Amounts are positive decimals with `.`; the messages say how to fix each common mistake. */
function parseAmount(text: string, currency: string, checkDecimals = true): number {
  const s = text.trim();
  if (/^-/.test(s)) throw new MoneyParseError('must be greater than 0; send credits and refunds to your account manager instead');
  if (!checkDecimals) {
    if (s.includes(',')) throw new MoneyParseError('use "." for decimals and no thousands separators, e.g. 1234.56');
    if (!/^\d+(?:\.\d+)?$/.test(s)) throw new MoneyParseError('must be a positive decimal number, e.g. 1234.56');
    if (/^[0.]+$/.test(s)) throw new MoneyParseError('must be greater than 0');
    return 0;
  }
  const tooLarge = new MoneyParseError(`must be at most ${MAX_AMOUNT_MINOR} minor units (10,000,000,000.00), the most a case can hold`);
  let minor: number;
  try {
    minor = parseDecimalToMinor(s, currency);
  } catch (e) {
    throw e instanceof MoneyParseError && e.message === 'is too large' ? tooLarge : e;
  }
  if (minor === 0) throw new MoneyParseError('must be greater than 0');
  if (minor > MAX_AMOUNT_MINOR) throw tooLarge;
  return minor;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
