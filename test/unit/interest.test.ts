import { describe, expect, it } from 'vitest';
import { accruedInterestMinor } from '../../shared/domain/interest';

const accrue = (principalMinor: number, annualRatePercent: number, from: string, to: string) =>
  accruedInterestMinor({ principalMinor, annualRatePercent, from, to });

describe('simple daily interest (Actual/Actual, exact to the cent)', () => {
  it('accrues a full non-leap year to exactly the annual rate', () => {
    expect(accrue(100_000, 8, '2026-01-01', '2027-01-01')).toBe(8_000);
  });

  it('accrues a full leap year (366 days) to exactly the annual rate', () => {
    expect(accrue(100_000, 8, '2024-01-01', '2025-01-01')).toBe(8_000);
  });

  it('counts a leap day at rate/366', () => {
    // 2024-02-29 alone: 1000.00 * 8% / 366 = 0.21857 -> 0.22
    expect(accrue(100_000, 8, '2024-02-28', '2024-02-29')).toBe(22);
  });

  it('splits a period across a year end by each year’s length', () => {
    // 30 days of 2023 at /365 plus 61 days of 2024 at /366
    expect(accrue(100_000, 8, '2023-12-01', '2024-03-01')).toBe(1_991);
  });

  it('handles a fractional rate', () => {
    expect(accrue(123_456, 8.25, '2026-01-01', '2026-02-15')).toBe(1_256);
  });

  it('spans several years without drift on large amounts', () => {
    expect(accrue(99_999_999, 8, '2022-12-30', '2024-12-31')).toBe(16_021_918);
  });

  it('rounds half up once, at the end', () => {
    // 3.65 at 50% for one day of a 365-day year = exactly 0.5 cent
    expect(accrue(365, 50, '2026-03-01', '2026-03-02')).toBe(1);
    expect(accrue(364, 50, '2026-03-01', '2026-03-02')).toBe(0);
  });

  it('is zero for a zero rate, a zero principal, an empty or reversed period', () => {
    expect(accrue(100_000, 0, '2026-01-01', '2027-01-01')).toBe(0);
    expect(accrue(0, 8, '2026-01-01', '2027-01-01')).toBe(0);
    expect(accrue(100_000, 8, '2026-01-01', '2026-01-01')).toBe(0);
    expect(accrue(100_000, 8, '2026-02-01', '2026-01-01')).toBe(0);
  });

  it('never loses more than rounding when a period is split', () => {
    const whole = accrue(1_234_567, 7.5, '2026-01-10', '2026-12-20');
    const parts = accrue(1_234_567, 7.5, '2026-01-10', '2026-06-30') + accrue(1_234_567, 7.5, '2026-06-30', '2026-12-20');
    expect(Math.abs(whole - parts)).toBeLessThanOrEqual(1);
  });
});
