import { daysBetween, isLeapYear } from './dates';
import { divRoundHalfUp } from './money';

/**
 * Simple (non-compounding) interest accrued daily on a principal, Actual/Actual: each day
 * earns rate/365, or rate/366 in a leap year. The day `from` is not counted and `to` is
 * (interest for 2026-01-01 → 2026-01-02 is one day). The sum is kept as an exact fraction
 * and rounded half-up to the minor unit once, so splitting a period never loses a cent
 * more than rounding the whole would.
 */
export function accruedInterestMinor(args: {
  principalMinor: number;
  annualRatePercent: number;
  from: string;
  to: string;
}): number {
  const { principalMinor, annualRatePercent, from, to } = args;
  if (principalMinor <= 0 || annualRatePercent <= 0 || daysBetween(from, to) <= 0) return 0;

  // Rate as an integer in millionths of a percent, so 8.25% -> 8_250_000.
  const rateMicro = BigInt(Math.round(annualRatePercent * 1_000_000));
  const startYear = Number(from.slice(0, 4));
  const endYear = Number(to.slice(0, 4));

  // Sum days/yearLength over each calendar year the period touches: num/den with den = 365*366.
  let dayFraction = 0n; // in units of 1/(365*366) of a year
  for (let year = startYear; year <= endYear; year++) {
    const segStart = year === startYear ? from : `${year - 1}-12-31`;
    const segEnd = year === endYear ? to : `${year}-12-31`;
    const days = BigInt(daysBetween(segStart, segEnd));
    dayFraction += days * (isLeapYear(year) ? 365n : 366n); // days/366 = days*365/(365*366)
  }
  const numerator = BigInt(principalMinor) * rateMicro * dayFraction;
  const denominator = 100n * 1_000_000n * 365n * 366n;
  return Number(divRoundHalfUp(numerator, denominator));
}
