import type { Finances } from '../schemas/client';
import type { Ledger } from '../schemas/case';
import { accruedInterestMinor } from './interest';
import { percentOf } from './money';

/** The balance of a case as the API shows it. */
export interface Balance {
  principalMinor: number;
  costsMinor: number;
  interestMinor: number;
  paidMinor: number;
  outstandingMinor: number;
  currency: string;
}

/** A new ledger for imported principal; no costs or interest until `applyCharges`. */
export function openLedger(principalMinor: number, currency: string): Ledger {
  return { currency, principalMinor, costsMinor: 0, interestMinor: 0, paidMinor: 0, annualRatePercent: 0 };
}

/**
 * Applies the client's costs and starts interest from `on` (a date). Idempotent: a ledger
 * whose charges were applied is returned unchanged, so a replayed step never charges twice.
 */
export function applyCharges(ledger: Ledger, finances: Pick<Finances, 'costs' | 'interest'>, on: string, at: string): Ledger {
  if (ledger.chargesAppliedAt) return ledger;
  const costsMinor = finances.costs.reduce((sum, c) => sum + (c.kind === 'fixed' ? c.amountMinor : percentOf(ledger.principalMinor, c.percent)), 0);
  return {
    ...ledger,
    costsMinor: ledger.costsMinor + costsMinor,
    annualRatePercent: finances.interest.annualRatePercent,
    interestFrom: on,
    interestAccruedTo: on,
    chargesAppliedAt: at,
  };
}

/** Interest accrued since the last crystallisation, on the principal still outstanding. */
export function pendingInterestMinor(ledger: Ledger, asOf: string): number {
  if (!ledger.interestAccruedTo || asOf <= ledger.interestAccruedTo) return 0;
  return accruedInterestMinor({
    principalMinor: outstandingPrincipalMinor(ledger),
    annualRatePercent: ledger.annualRatePercent,
    from: ledger.interestAccruedTo,
    to: asOf,
  });
}

/**
 * Principal not yet covered by payments, with payments allocated costs first, then
 * interest, then principal (the order agreed with clients; see payments in the README).
 */
export function outstandingPrincipalMinor(ledger: Ledger): number {
  const towardsPrincipal = Math.max(0, ledger.paidMinor - ledger.costsMinor - ledger.interestMinor);
  return Math.max(0, ledger.principalMinor - towardsPrincipal);
}

/** The balance as of a date (interest accrued up to and including that day). */
export function balanceAsOf(ledger: Ledger, asOf: string): Balance {
  const interestMinor = ledger.interestMinor + pendingInterestMinor(ledger, asOf);
  const owed = ledger.principalMinor + ledger.costsMinor + interestMinor;
  return {
    principalMinor: ledger.principalMinor,
    costsMinor: ledger.costsMinor,
    interestMinor,
    paidMinor: ledger.paidMinor,
    outstandingMinor: Math.max(0, owed - ledger.paidMinor),
    currency: ledger.currency,
  };
}
