import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/**
 * Normalisation of the debtor fields we match on. The same person written two ways in two
 * files must give the same keys; two different people must not. Each function returns
 * undefined when the value is too thin to identify anyone.
 */

/** Emails compare case-insensitively after trimming (we do not guess at provider-specific aliases). */
export function normaliseEmail(email: string | undefined): string | undefined {
  const e = email?.trim().toLowerCase();
  return e && e.includes('@') ? e : undefined;
}

/**
 * Phones become E.164. National formats are read with the debtor's country, else the
 * client's; `00` international prefixes and punctuation are accepted. A number that cannot
 * be read keeps its digits (with a leading + when it had one) so equal inputs still match.
 */
export function normalisePhone(phone: string | undefined, defaultCountry?: string): string | undefined {
  const raw = phone?.trim();
  if (!raw) return undefined;
  const text = raw.replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(text, defaultCountry ? { defaultCountry: defaultCountry as CountryCode } : undefined);
  if (parsed?.isPossible()) return parsed.number;
  const digits = text.replace(/\D/g, '');
  if (digits.length < 6) return undefined;
  return text.startsWith('+') ? `+${digits}` : digits;
}

/** Names compare without case, accents, punctuation or repeated spaces: "Müller-Lüdenscheidt, J." ~ "muller ludenscheidt j". */
export function normaliseName(name: string | undefined): string | undefined {
  const n = name
    ?.normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return n || undefined;
}

/** Postcodes compare without case and spaces: "sw1a 1aa" ~ "SW1A1AA". */
export function normalisePostcode(postcode: string | undefined): string | undefined {
  const p = postcode?.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return p || undefined;
}

/** Client case numbers compare trimmed and case-insensitively. */
export function normaliseCaseNumber(n: string | undefined): string | undefined {
  const c = n?.trim().toUpperCase();
  return c || undefined;
}
