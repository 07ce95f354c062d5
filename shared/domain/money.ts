/**
 * Money is integer minor units plus an ISO 4217 currency. Nothing here uses floating point
 * arithmetic on amounts: decimals are parsed from strings and scaled with BigInt.
 */

/** Minor-unit digits of a currency (EUR 2, JPY 0, BHD 3), as the runtime's ICU knows them. */
export function minorDigits(currency: string): number {
  let d = digitsByCurrency.get(currency);
  if (d === undefined) digitsByCurrency.set(currency, (d = currencyFormat('en', currency).resolvedOptions().maximumFractionDigits ?? 2));
  return d;
}
/** resolvedOptions() builds a new object per call, and an import asks per row and per amount formatted. */
const digitsByCurrency = new Map<string, number>();

/** Building an Intl.NumberFormat costs tens of microseconds; an import formats and parses per row, so each is built once. */
const formats = new Map<string, Intl.NumberFormat>();
function currencyFormat(locale: string, currency: string, digits?: number): Intl.NumberFormat {
  const key = `${locale}|${currency}|${digits ?? ''}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, digits === undefined ? { style: 'currency', currency } : { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    formats.set(key, f);
  }
  return f;
}

export class MoneyParseError extends Error {}

/**
 * Parses a decimal written with `.` (e.g. `1234.56`) into minor units of `currency`.
 * Refuses thousands separators, signs, exponents and more decimals than the currency has,
 * because guessing there would silently change a debt.
 */
export function parseDecimalToMinor(text: string, currency: string): number {
  const s = text.trim();
  const digits = minorDigits(currency);
  if (s.includes(',')) throw new MoneyParseError('use "." for decimals and no thousands separators, e.g. 1234.56');
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new MoneyParseError('must be a positive decimal number, e.g. 1234.56');
  const whole = m[1]!;
  const frac = m[2] ?? '';
  if (frac.length > digits) {
    throw new MoneyParseError(`${currency} has ${digits} decimal place${digits === 1 ? '' : 's'}; got ${frac.length}`);
  }
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(frac.padEnd(digits, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyParseError('is too large');
  return Number(minor);
}

/** Formats minor units for people, e.g. 123456 EUR -> "€1,234.56". */
export function formatMoney(amountMinor: number, currency: string, locale = 'en-GB'): string {
  const digits = minorDigits(currency);
  const negative = amountMinor < 0;
  const abs = BigInt(Math.abs(amountMinor));
  const scale = 10n ** BigInt(digits);
  // Format the integer part with Intl and splice the exact fraction, so no float ever rounds a cent.
  const whole = Number(abs / scale);
  const frac = (abs % scale).toString().padStart(digits, '0');
  const parts = currencyFormat(locale, currency, digits).formatToParts(whole);
  const text = parts.map((p) => (p.type === 'fraction' ? frac : p.value)).join('');
  return negative ? `-${text}` : text;
}

/** Divides with half-up rounding (amounts are non-negative in every caller). */
export function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const q = numerator / denominator;
  const r = numerator % denominator;
  return r * 2n >= denominator ? q + 1n : q;
}

/** `percent` of an amount in minor units, rounded half-up to the minor unit. Percent may have up to 6 decimals. */
export function percentOf(amountMinor: number, percent: number): number {
  const micro = BigInt(Math.round(percent * 1_000_000));
  return Number(divRoundHalfUp(BigInt(amountMinor) * micro, 100_000_000n));
}
