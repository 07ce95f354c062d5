import { describe, expect, it } from 'vitest';
import {
  agreeSettlement,
  applyCharges,
  applyPayment,
  balanceAsOf,
  closeLedger,
  crystalliseInterest,
  isSettled,
  openLedger,
  outstandingPrincipalMinor,
  pendingInterestMinor,
  resumeInterest,
  suspendInterest,
} from '../../shared/domain/ledger';
import { ValidationError } from '../../shared/errors';
import type { Finances } from '../../shared/schemas/client';

const fees = (annualRatePercent: number, costs: Finances['costs'] = [{ name: 'fee', kind: 'fixed', amountMinor: 2_500 }]) => ({
  costs,
  interest: { annualRatePercent },
});
const AT = '2026-01-01T09:00:00.000Z';
/** 1,000.00 EUR principal, 25.00 costs, 8% from 2026-01-01. */
const charged = () => applyCharges(openLedger(100_000, 'EUR'), fees(8), '2026-01-01', AT);

describe('applyCharges', () => {
  it('adds fixed and percentage costs and starts interest on the day', () => {
    const l = applyCharges(openLedger(100_000, 'EUR'), fees(8, [{ name: 'fee', kind: 'fixed', amountMinor: 2_500 }, { name: 'pct', kind: 'percentage', percent: 12.5 }]), '2026-01-19', AT);
    expect(l).toMatchObject({ costsMinor: 2_500 + 12_500, annualRatePercent: 8, interestFrom: '2026-01-19', interestAccruedTo: '2026-01-19', chargesAppliedAt: AT });
  });

  it('is idempotent: a replay never charges twice', () => {
    const once = charged();
    expect(applyCharges(once, fees(20), '2026-06-01', '2026-06-01T00:00:00.000Z')).toBe(once);
  });

  it('accepts an instant for the day and cuts it to the UTC date', () => {
    expect(applyCharges(openLedger(100, 'EUR'), fees(1), '2026-03-04T23:59:59.000Z', AT).interestFrom).toBe('2026-03-04');
  });

  it('takes percentage costs on the principal still owed after a payment made before charges', () => {
    const paidEarly = applyPayment(openLedger(100_000, 'EUR'), 20_000, '2026-01-05').ledger;
    const l = applyCharges(paidEarly, fees(0, [{ name: 'pct', kind: 'percentage', percent: 10 }]), '2026-01-15', AT);
    expect(l.costsMinor).toBe(8_000);
    // The early payment stays on principal: the costs added later do not take it back.
    expect(outstandingPrincipalMinor(l)).toBe(80_000);
    expect(balanceAsOf(l, '2026-01-15').outstandingMinor).toBe(88_000);
  });
});

describe('balanceAsOf', () => {
  it('has no interest before charges (breathing space)', () => {
    const b = balanceAsOf(openLedger(100_000, 'EUR'), '2027-01-01');
    expect(b).toEqual({ principalMinor: 100_000, costsMinor: 0, interestMinor: 0, paidMinor: 0, outstandingMinor: 100_000, creditMinor: 0, currency: 'EUR' });
  });

  it('accrues daily simple interest to the day asked', () => {
    // 1000.00 * 8% * 30/365 = 6.5753 -> 6.58
    expect(balanceAsOf(charged(), '2026-01-31')).toMatchObject({ interestMinor: 658, outstandingMinor: 100_000 + 2_500 + 658 });
    expect(balanceAsOf(charged(), '2026-01-31T18:00:00.000Z').interestMinor).toBe(658);
  });

  it('uses 366-day years in a leap year', () => {
    const l = applyCharges(openLedger(36_600, 'EUR'), fees(10, []), '2024-01-01', AT);
    // 366.00 * 10% * 30/366 = exactly 3.00
    expect(balanceAsOf(l, '2024-01-31').interestMinor).toBe(300);
    // across Feb 29: 59 days of 2024 -> 366.00 * 10% * 59/366 = 5.90
    expect(balanceAsOf(l, '2024-02-29').interestMinor).toBe(590);
  });

  it('has no interest at a zero rate', () => {
    const l = applyCharges(openLedger(100_000, 'EUR'), fees(0), '2026-01-01', AT);
    expect(balanceAsOf(l, '2030-01-01')).toMatchObject({ interestMinor: 0, outstandingMinor: 102_500 });
  });
});

describe('applyPayment: crystallise, then costs -> interest -> principal', () => {
  it('crystallises interest to the payment day and allocates in order, to the cent', () => {
    const { ledger, allocation } = applyPayment(charged(), 10_000, '2026-01-31');
    expect(allocation).toEqual({ amountMinor: 10_000, interestCrystallisedMinor: 658, costsMinor: 2_500, interestMinor: 658, principalMinor: 6_842, creditMinor: 0 });
    expect(ledger).toMatchObject({ interestMinor: 658, interestAccruedTo: '2026-01-31', paidMinor: 10_000, paidCostsMinor: 2_500, paidInterestMinor: 658, paidPrincipalMinor: 6_842 });
    expect(outstandingPrincipalMinor(ledger)).toBe(93_158);
  });

  it('accrues later interest only on the principal still owed', () => {
    const { ledger } = applyPayment(charged(), 10_000, '2026-01-31');
    // 931.58 * 8% * 30/365 = 6.1255 -> 6.13 (not 6.58 on the original principal)
    expect(pendingInterestMinor(ledger, '2026-03-02')).toBe(613);
    expect(balanceAsOf(ledger, '2026-03-02')).toMatchObject({ interestMinor: 658 + 613, paidMinor: 10_000, outstandingMinor: 100_000 + 2_500 + 1_271 - 10_000 });
  });

  it('keeps the principal reduction when interest is crystallised later without a payment', () => {
    const { ledger } = applyPayment(charged(), 10_000, '2026-01-31');
    const later = crystalliseInterest(ledger, '2026-03-02');
    expect(later.interestMinor).toBe(1_271);
    expect(outstandingPrincipalMinor(later)).toBe(93_158);
  });

  it('pays part of the costs with a small payment', () => {
    const { ledger, allocation } = applyPayment(charged(), 1, '2026-01-01');
    expect(allocation).toMatchObject({ interestCrystallisedMinor: 0, costsMinor: 1, interestMinor: 0, principalMinor: 0 });
    expect(balanceAsOf(ledger, '2026-01-01').outstandingMinor).toBe(102_499);
  });

  it('pays interest before principal across several payments', () => {
    let l = charged();
    l = applyPayment(l, 2_500, '2026-01-31').ledger; // costs only; 658 interest crystallised, unpaid
    const second = applyPayment(l, 1_000, '2026-01-31');
    expect(second.allocation).toMatchObject({ interestCrystallisedMinor: 0, costsMinor: 0, interestMinor: 658, principalMinor: 342 });
  });

  it('clears the balance exactly and then records an overpayment as credit', () => {
    const owed = balanceAsOf(charged(), '2026-01-31').outstandingMinor;
    const exact = applyPayment(charged(), owed, '2026-01-31');
    expect(exact.allocation.creditMinor).toBe(0);
    expect(balanceAsOf(exact.ledger, '2026-12-31')).toMatchObject({ outstandingMinor: 0, creditMinor: 0, interestMinor: 658 });

    const over = applyPayment(charged(), owed + 1_234, '2026-01-31');
    expect(over.allocation).toMatchObject({ principalMinor: 100_000, creditMinor: 1_234 });
    expect(balanceAsOf(over.ledger, '2026-12-31')).toMatchObject({ outstandingMinor: 0, creditMinor: 1_234, paidMinor: owed + 1_234 });
  });

  it('does not un-accrue interest for a payment dated before the last crystallisation', () => {
    const l = applyPayment(charged(), 5_000, '2026-02-01').ledger;
    const back = applyPayment(l, 1_000, '2026-01-15');
    expect(back.allocation.interestCrystallisedMinor).toBe(0);
    expect(back.ledger.interestAccruedTo).toBe('2026-02-01');
  });

  it('refuses zero, negative and fractional amounts with a field-level error', () => {
    for (const bad of [0, -5, 1.5, Number.NaN]) {
      expect(() => applyPayment(charged(), bad, '2026-01-31')).toThrow(ValidationError);
    }
    try {
      applyPayment(charged(), 0, '2026-01-31');
    } catch (e) {
      expect((e as ValidationError).details[0]?.field).toBe('amountMinor');
    }
  });
});

describe('interest suspension (payment plans)', () => {
  it('crystallises at suspension, accrues nothing while suspended, restarts from the resume day', () => {
    const s = suspendInterest(charged(), '2026-01-31');
    expect(s).toMatchObject({ interestMinor: 658, interestSuspendedFrom: '2026-01-31' });
    expect(balanceAsOf(s, '2026-06-30').interestMinor).toBe(658);
    expect(suspendInterest(s, '2026-03-01')).toBe(s);
    const r = resumeInterest(s, '2026-03-02');
    expect(r.interestSuspendedFrom).toBeUndefined();
    expect(r.interestAccruedTo).toBe('2026-03-02');
    // Feb not charged; 30 days from 2026-03-02 on 1000.00 = 6.58
    expect(balanceAsOf(r, '2026-04-01').interestMinor).toBe(658 + 658);
    expect(resumeInterest(r, '2026-05-01')).toBe(r);
  });

  it('lets a payment during suspension allocate without accruing', () => {
    const s = suspendInterest(charged(), '2026-01-31');
    const { allocation } = applyPayment(s, 5_000, '2026-03-15');
    expect(allocation).toMatchObject({ interestCrystallisedMinor: 0, costsMinor: 2_500, interestMinor: 658, principalMinor: 1_842 });
  });
});

describe('settlement', () => {
  it('records a settlement below the total owed and settles when payments reach it', () => {
    let l = applyPayment(charged(), 10_000, '2026-01-31').ledger;
    l = agreeSettlement(l, 60_000, '2026-01-31');
    expect(balanceAsOf(l, '2026-01-31')).toMatchObject({ settlementAmountMinor: 60_000, settlementOutstandingMinor: 50_000 });
    expect(isSettled(l)).toBe(false);
    l = applyPayment(l, 49_999, '2026-02-10').ledger;
    expect(isSettled(l)).toBe(false);
    l = applyPayment(l, 1, '2026-02-10').ledger;
    expect(isSettled(l)).toBe(true);
    expect(balanceAsOf(l, '2026-02-10').settlementOutstandingMinor).toBe(0);
  });

  it('refuses a settlement at or above the total owed, and non-positive amounts', () => {
    const total = balanceAsOf(charged(), '2026-01-31').outstandingMinor;
    expect(() => agreeSettlement(charged(), total, '2026-01-31')).toThrow(/less than the total owed/);
    expect(agreeSettlement(charged(), total - 1, '2026-01-31').settlementAmountMinor).toBe(total - 1);
    expect(() => agreeSettlement(charged(), 0, '2026-01-31')).toThrow(ValidationError);
  });

  it('is settled at once when earlier payments already reach the amount', () => {
    const l = applyPayment(charged(), 30_000, '2026-01-31').ledger;
    expect(isSettled(agreeSettlement(l, 30_000, '2026-01-31'))).toBe(true);
  });
});

describe('closing', () => {
  it('stops interest on the day a case closes: the balance a year later is the balance at closure', () => {
    const paid = applyPayment(charged(), 40_000, '2026-01-31').ledger;
    const closed = closeLedger(paid, '2026-03-01', false);
    const atClose = balanceAsOf(closed, '2026-03-01');
    expect(atClose.interestMinor).toBe(balanceAsOf(paid, '2026-03-01').interestMinor);
    expect(atClose.outstandingMinor).toBeGreaterThan(0); // closed for another reason: what was owed stays on the record
    expect(balanceAsOf(closed, '2027-03-01')).toEqual(atClose);
    expect(atClose.writtenOffMinor).toBeUndefined();
  });

  it('writes off what a paid settlement left unpaid, so a settled case shows nothing outstanding', () => {
    let l = agreeSettlement(charged(), 60_000, '2026-01-31');
    l = applyPayment(l, 60_000, '2026-02-10').ledger;
    const owed = balanceAsOf(l, '2026-02-10').outstandingMinor;
    const closed = closeLedger(l, '2026-02-10', true);
    expect(balanceAsOf(closed, '2026-02-10')).toMatchObject({ paidMinor: 60_000, outstandingMinor: 0, creditMinor: 0, writtenOffMinor: owed, settlementOutstandingMinor: 0 });
    expect(balanceAsOf(closed, '2026-12-31').outstandingMinor).toBe(0);
  });
});
