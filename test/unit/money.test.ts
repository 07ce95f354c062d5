import { describe, expect, it } from 'vitest';
import { MoneyParseError, divRoundHalfUp, formatMoney, minorDigits, parseDecimalToMinor, percentOf } from '../../shared/domain/money';

describe('parseDecimalToMinor', () => {
  it.each([
    ['1234.56', 'EUR', 123456],
    ['0.01', 'EUR', 1],
    ['10', 'EUR', 1000],
    ['10.5', 'EUR', 1050],
    [' 7.00 ', 'GBP', 700],
    ['1500', 'JPY', 1500],
    ['1.234', 'BHD', 1234],
    ['0.1', 'EUR', 10],
    // 0.1 + 0.2 style float traps must not exist: 1.15 * 100 is 114.99999 in floats
    ['1.15', 'EUR', 115],
    ['90071992547409.91', 'EUR', 9007199254740991],
  ])('parses %s %s exactly', (text, currency, minor) => {
    expect(parseDecimalToMinor(text, currency)).toBe(minor);
  });

  it.each([
    ['1,234.56', /no thousands separators/],
    ['12,50', /use "\."/],
    ['-5', /positive decimal/],
    ['abc', /positive decimal/],
    ['1e3', /positive decimal/],
    ['', /positive decimal/],
    ['1.234', /EUR has 2 decimal places; got 3/],
    ['90071992547409.92', /too large/],
  ])('refuses %s', (text, reason) => {
    expect(() => parseDecimalToMinor(text, 'EUR')).toThrow(MoneyParseError);
    expect(() => parseDecimalToMinor(text, 'EUR')).toThrow(reason);
  });

  it('refuses decimals in a currency without minor units', () => {
    expect(() => parseDecimalToMinor('10.5', 'JPY')).toThrow(/JPY has 0 decimal places/);
  });
});

describe('formatMoney', () => {
  it('formats minor units with the currency, never via floats', () => {
    expect(formatMoney(123456, 'EUR')).toBe('€1,234.56');
    expect(formatMoney(5, 'GBP')).toBe('£0.05');
    expect(formatMoney(1500, 'JPY')).toBe('JP¥1,500');
    expect(formatMoney(9007199254740991, 'EUR')).toBe('€90,071,992,547,409.91');
    expect(formatMoney(-250, 'EUR')).toBe('-€2.50');
  });

  it('knows each currency’s minor digits', () => {
    expect([minorDigits('EUR'), minorDigits('JPY'), minorDigits('BHD')]).toEqual([2, 0, 3]);
  });
});

describe('rounding helpers', () => {
  it('rounds half up', () => {
    expect(divRoundHalfUp(5n, 10n)).toBe(1n);
    expect(divRoundHalfUp(4n, 10n)).toBe(0n);
    expect(divRoundHalfUp(15n, 10n)).toBe(2n);
    expect(() => divRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('takes percentages of minor units exactly', () => {
    expect(percentOf(10000, 15)).toBe(1500);
    expect(percentOf(333, 12.5)).toBe(42); // 41.625 -> 42
    expect(percentOf(100, 0.5)).toBe(1); // 0.5 -> 1
    expect(percentOf(99, 0.5)).toBe(0); // 0.495 -> 0
  });
});
