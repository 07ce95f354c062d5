import type { CsvRow } from '../schemas/csv-row';
import { normaliseCaseNumber, normaliseEmail, normaliseName, normalisePhone, normalisePostcode } from './normalise';

/**
 * Matching rules (which rows belong to the same debtor or case).
 *
 * 1. With the client's "match on client case number" on, a row whose client case number is
 *    already known joins that case (if it is still open and in the same currency; otherwise a
 *    new case is opened for the same debtor).
 * 2. Otherwise two rows are the same debtor (within one client) when ANY of these agree:
 *    - the normalised email (trimmed, lower-case);
 *    - the normalised phone (E.164, national numbers read with the debtor's or the client's country);
 *    - the normalised name (no case, accents or punctuation) together with the normalised
 *      postcode (no case or spaces). A name alone never matches: too many Jane Smiths.
 * 3. When a row's keys point at different known debtors, the strongest key wins, in the order
 *    client case number, email, phone, name + postcode.
 *
 * Keys are strings `<kind>:<value>`; the importer stores one item per key, so a lookup is a
 * single BatchGet for a whole chunk of rows.
 */
export type MatchKeyKind = 'ccn' | 'email' | 'phone' | 'np';
export const KEY_PRIORITY: readonly MatchKeyKind[] = ['ccn', 'email', 'phone', 'np'];

export interface RowKeys {
  /** The client-case-number key, when the client matches on it and the row has one. */
  caseNumber?: string;
  /** Debtor keys, strongest first. */
  debtor: string[];
}

export function matchKeys(
  row: Pick<CsvRow, 'clientCaseNumber' | 'debtor'>,
  opts: {
    matchOnClientCaseNumber: boolean;
    defaultCountry?: string;
    /** Phone parsing is the costliest step; a debtor's rows of one chunk can share the answer. */
    phoneMemo?: Map<string, string | undefined>;
  },
): RowKeys {
  const d = row.debtor;
  const debtor: string[] = [];
  const email = normaliseEmail(d.email);
  if (email) debtor.push(`email:${email}`);
  const country = d.country ?? opts.defaultCountry;
  let phone: string | undefined;
  if (d.phone && opts.phoneMemo) {
    const memoKey = `${country ?? ''}|${d.phone}`;
    if (opts.phoneMemo.has(memoKey)) phone = opts.phoneMemo.get(memoKey);
    else opts.phoneMemo.set(memoKey, (phone = normalisePhone(d.phone, country)));
  } else phone = normalisePhone(d.phone, country);
  if (phone) debtor.push(`phone:${phone}`);
  const name = normaliseName(d.name);
  const postcode = normalisePostcode(d.address.postcode);
  if (name && postcode) debtor.push(`np:${name}|${postcode}`);
  const ccn = opts.matchOnClientCaseNumber ? normaliseCaseNumber(row.clientCaseNumber) : undefined;
  return { caseNumber: ccn ? `ccn:${ccn}` : undefined, debtor };
}

export function keyKind(key: string): MatchKeyKind {
  return key.slice(0, key.indexOf(':')) as MatchKeyKind;
}
