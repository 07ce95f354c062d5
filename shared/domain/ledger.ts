import type { Finances } from '../schemas/client';
import type { Ledger } from '../schemas/case';
import { ValidationError } from '../errors';
import { accruedInterestMinor } from './interest';
import { percentOf } from './money';

/**
 * The money on a case. Pure functions over the `Ledger` record; every date argument is a
 * calendar day `YYYY-MM-DD` (an ISO instant is accepted and cut to its UTC day).
 *
 * Payment allocation order: costs -> interest -> principal. Each payment first crystallises
 * the interest accrued up to its day, then pays off outstanding costs, then outstanding
 * interest, then principal. The split is stored (`paidCostsMinor`, `paidInterestMinor`,
 * `paidPrincipalMinor`), so interest always accrues on the principal actually still owed,
 * whatever is charged later.
 *
 * Overpayment: recorded, never refused (the money has arrived). The excess becomes a credit
 * (`Balance.creditMinor`, `PaymentAllocation.creditMinor`) for the operator to refund.
 */

/** The balance of a case as the API shows it. */
export interface Balance {
  principalMinor: number;
  costsMinor: number;
  interestMinor: number;
  paidMinor: number;
  outstandingMinor: number;
  /** Paid beyond everything owed (to refund); 0 normally. */
  creditMinor: number;
  /** With a settlement agreed: what is left to pay to reach it. */
  settlementAmountMinor?: number;
  settlementOutstandingMinor?: number;
  /** Closed as settled or written off: what was left unpaid and written off (not outstanding). */
  writtenOffMinor?: number;
  currency: string;
}

/** How one payment was split; goes into the timeline. */
export interface PaymentAllocation {
  amountMinor: number;
  /** Interest accrued since the last crystallisation and added to the ledger before allocating. */
  interestCrystallisedMinor: number;
  costsMinor: number;
  interestMinor: number;
  principalMinor: number;
  /** Part of the payment beyond the whole balance. */
  creditMinor: number;
}

/** The calendar day of a date or instant, in UTC. */
export function dayOf(dateOrInstant: string): string {
  return dateOrInstant.slice(0, 10);
}

/** A new ledger for imported principal; no costs or interest until `applyCharges`. */
export function openLedger(principalMinor: number, currency: string): Ledger {
  return {
    currency,
    principalMinor,
    costsMinor: 0,
    interestMinor: 0,
    paidMinor: 0,
    paidCostsMinor: 0,
    paidInterestMinor: 0,
    paidPrincipalMinor: 0,
    annualRatePercent: 0,
  };
}

/**
 * Applies the client's costs and starts interest from `on` (a date). Idempotent: a ledger
 * whose charges were applied is returned unchanged, so a replayed step never charges twice.
 * Percentage costs are a percent of the principal still owed on that day (a payment made during
 * breathing space lowers them).
 */
export function applyCharges(ledger: Ledger, finances: Pick<Finances, 'costs' | 'interest'>, on: string, at: string): Ledger {
  if (ledger.chargesAppliedAt) return ledger;
  const day = dayOf(on);
  const base = outstandingPrincipalMinor(ledger);
  const costsMinor = finances.costs.reduce((sum, c) => sum + (c.kind === 'fixed' ? c.amountMinor : percentOf(base, c.percent)), 0);
  return {
    ...ledger,
    costsMinor: ledger.costsMinor + costsMinor,
    annualRatePercent: finances.interest.annualRatePercent,
    interestFrom: day,
    interestAccruedTo: day,
    chargesAppliedAt: at,
  };
}

/** Interest accrued since the last crystallisation, on the principal still outstanding (0 while suspended). */
export function pendingInterestMinor(ledger: Ledger, asOf: string): number {
  const day = dayOf(asOf);
  if (ledger.interestSuspendedFrom || !ledger.interestAccruedTo || day <= ledger.interestAccruedTo) return 0;
  return accruedInterestMinor({
    principalMinor: outstandingPrincipalMinor(ledger),
    annualRatePercent: ledger.annualRatePercent,
    from: ledger.interestAccruedTo,
    to: day,
  });
}

/** Principal not yet paid; interest runs on this. */
export function outstandingPrincipalMinor(ledger: Ledger): number {
  return Math.max(0, ledger.principalMinor - (ledger.paidPrincipalMinor ?? 0));
}

/**
 * Adds the interest accrued up to `on` to `interestMinor` and moves `interestAccruedTo` there.
 * Done before every payment, so a payment never reduces the principal retroactively.
 * A day before `interestAccruedTo` changes nothing (interest is never un-accrued).
 */
export function crystalliseInterest(ledger: Ledger, on: string): Ledger {
  const day = dayOf(on);
  if (!ledger.interestAccruedTo || day <= ledger.interestAccruedTo) return ledger;
  const pending = pendingInterestMinor(ledger, day);
  return { ...ledger, interestMinor: ledger.interestMinor + pending, interestAccruedTo: day };
}

/** Freezes interest from `on` (after crystallising up to it), e.g. while a payment plan is kept. Idempotent. */
export function suspendInterest(ledger: Ledger, on: string): Ledger {
  if (ledger.interestSuspendedFrom) return ledger;
  const day = dayOf(on);
  const crystallised = crystalliseInterest(ledger, day);
  return { ...crystallised, interestSuspendedFrom: day };
}

/** Lets interest run again from `on`; the suspended days are not charged. Idempotent. */
export function resumeInterest(ledger: Ledger, on: string): Ledger {
  if (!ledger.interestSuspendedFrom) return ledger;
  const day = dayOf(on);
  const { interestSuspendedFrom: _dropped, ...rest } = ledger;
  if (!rest.interestAccruedTo) return rest;
  return { ...rest, interestAccruedTo: day > rest.interestAccruedTo ? day : rest.interestAccruedTo };
}

function assertAmount(amountMinor: number, field = 'amountMinor'): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw new ValidationError(`${field} must be a positive whole number of minor units (cents), e.g. 1250 for 12.50`, [
      { field, message: 'must be an integer greater than 0' },
    ]);
  }
}

/**
 * Records a payment received on `on`: crystallises interest to that day, then allocates
 * costs -> interest -> principal; any excess is credit. Returns the new ledger and the split.
 */
export function applyPayment(ledger: Ledger, amountMinor: number, on: string): { ledger: Ledger; allocation: PaymentAllocation } {
  assertAmount(amountMinor);
  const before = crystalliseInterest(ledger, on);
  const interestCrystallisedMinor = before.interestMinor - ledger.interestMinor;

  const paidCosts = before.paidCostsMinor ?? 0;
  const paidInterest = before.paidInterestMinor ?? 0;
  const paidPrincipal = before.paidPrincipalMinor ?? 0;

  let left = amountMinor;
  const take = (owed: number) => {
    const t = Math.min(left, Math.max(0, owed));
    left -= t;
    return t;
  };
  const costsMinor = take(before.costsMinor - paidCosts);
  const interestMinor = take(before.interestMinor - paidInterest);
  const principalMinor = take(before.principalMinor - paidPrincipal);
  const creditMinor = left;

  return {
    ledger: {
      ...before,
      paidMinor: before.paidMinor + amountMinor,
      paidCostsMinor: paidCosts + costsMinor,
      paidInterestMinor: paidInterest + interestMinor,
      paidPrincipalMinor: paidPrincipal + principalMinor,
    },
    allocation: { amountMinor, interestCrystallisedMinor, costsMinor, interestMinor, principalMinor, creditMinor },
  };
}

/**
 * Agrees a settlement: the case closes as settled once `paidMinor` (all payments over the
 * case's life, including earlier ones) reaches `amountMinor`. It must be less than the total
 * owed as of `on` (paid + outstanding); otherwise it is no discount and a payment is what is wanted.
 * An amount at or below what was paid already settles at once (the caller closes the case).
 */
export function agreeSettlement(ledger: Ledger, amountMinor: number, on: string): Ledger {
  assertAmount(amountMinor);
  const b = balanceAsOf(ledger, on);
  const totalOwed = b.paidMinor + b.outstandingMinor;
  if (amountMinor >= totalOwed) {
    throw new ValidationError(
      `a settlement must be less than the total owed (${totalOwed} minor units including ${b.paidMinor} already paid); record a payment instead`,
      [{ field: 'amountMinor', message: `must be less than ${totalOwed}` }],
    );
  }
  return { ...ledger, settlementAmountMinor: amountMinor };
}

/** True when a settlement is agreed and the payments reach it. */
export function isSettled(ledger: Ledger): boolean {
  return ledger.settlementAmountMinor !== undefined && ledger.paidMinor >= ledger.settlementAmountMinor;
}

/**
 * The ledger of a case closing on `on`: a closed case owes no more interest after that day
 * (crystallised to it, then frozen: closed is final). `writeOff` (a paid settlement, a write-off)
 * moves what is still outstanding to `writtenOffMinor`, so the case shows nothing outstanding;
 * otherwise (a client withdrew the case) what was owed that day stays on the record.
 */
export function closeLedger(ledger: Ledger, on: string, writeOff: boolean): Ledger {
  const frozen = suspendInterest(ledger, on);
  if (!writeOff) return frozen;
  const { outstandingMinor } = balanceAsOf(frozen, on);
  return outstandingMinor > 0 ? { ...frozen, writtenOffMinor: outstandingMinor } : frozen;
}

/** The balance as of a date (interest accrued up to and including that day). */
export function balanceAsOf(ledger: Ledger, asOf: string): Balance {
  const interestMinor = ledger.interestMinor + pendingInterestMinor(ledger, asOf);
  const owed = ledger.principalMinor + ledger.costsMinor + interestMinor;
  const writtenOff = ledger.writtenOffMinor ?? 0;
  const balance: Balance = {
    principalMinor: ledger.principalMinor,
    costsMinor: ledger.costsMinor,
    interestMinor,
    paidMinor: ledger.paidMinor,
    outstandingMinor: Math.max(0, owed - ledger.paidMinor - writtenOff),
    creditMinor: Math.max(0, ledger.paidMinor - owed),
    currency: ledger.currency,
  };
  if (ledger.settlementAmountMinor !== undefined) {
    balance.settlementAmountMinor = ledger.settlementAmountMinor;
    balance.settlementOutstandingMinor = Math.max(0, ledger.settlementAmountMinor - ledger.paidMinor);
  }
  if (writtenOff > 0) balance.writtenOffMinor = writtenOff;
  return balance;
}
