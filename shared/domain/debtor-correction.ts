import { applyMergePatch } from './merge-patch';
import { normaliseEmail, normalisePhone } from './normalise';
import type { Debtor } from '../schemas/case';
import type { DebtorCorrection } from '../schemas/case-actions';

/** One corrected field of the debtor: what it was and what it is now (absent = none). */
export interface FieldChange {
  field: string;
  before?: unknown;
  after?: unknown;
}

/**
 * The debtor after an operator's correction (a merge patch: null removes a field), and what
 * changed. Email is kept trimmed and lower-cased, a phone in E.164 (read with the debtor's
 * country) as the importer keeps them, so later sends and matching see the same forms.
 * A patch that restates what is there changes nothing.
 */
export function correctDebtor(debtor: Debtor, patch: NonNullable<DebtorCorrection>, fallbackCountry?: string): { debtor: Debtor; changes: FieldChange[] } {
  const normalised: Record<string, unknown> = { ...patch };
  if (typeof patch.email === 'string') normalised.email = normaliseEmail(patch.email);
  const country = patch.address?.country ?? debtor.address.country ?? debtor.country ?? fallbackCountry;
  if (typeof patch.phone === 'string') normalised.phone = normalisePhone(patch.phone, country) ?? patch.phone;
  const next = applyMergePatch(debtor, normalised) as Debtor;
  const changes: FieldChange[] = [];
  for (const field of ['name', 'email', 'phone', 'timezone'] as const) {
    if (next[field] !== debtor[field]) changes.push({ field, ...(debtor[field] !== undefined ? { before: debtor[field] } : {}), ...(next[field] !== undefined ? { after: next[field] } : {}) });
  }
  for (const part of ['line1', 'line2', 'postcode', 'city', 'country'] as const) {
    const [was, is] = [debtor.address[part], next.address?.[part]];
    if (was !== is) changes.push({ field: `address.${part}`, ...(was !== undefined ? { before: was } : {}), ...(is !== undefined ? { after: is } : {}) });
  }
  return { debtor: { ...next, address: next.address ?? {} }, changes };
}
