import { describe, expect, it } from 'vitest';
import { debtorTimeZone, nextContactTime, zoneForCountry } from '../../shared/domain/contact-hours';

const at = (iso: string) => Date.parse(iso);
const next = (iso: string, zone: string, from = 8, to = 20) => new Date(nextContactTime(at(iso), zone, { from, to })).toISOString();

describe('nextContactTime', () => {
  it('leaves an instant inside the hours as it is', () => {
    expect(next('2026-01-05T10:17:00.000Z', 'Europe/London')).toBe('2026-01-05T10:17:00.000Z');
    expect(next('2026-01-05T19:59:00.000Z', 'Europe/London')).toBe('2026-01-05T19:59:00.000Z');
  });

  it('moves a night-time step to the next local opening, the same morning or the next', () => {
    expect(next('2026-01-05T23:30:00.000Z', 'Europe/London')).toBe('2026-01-06T08:00:00.000Z');
    expect(next('2026-01-06T05:00:00.000Z', 'Europe/London')).toBe('2026-01-06T08:00:00.000Z');
    expect(next('2026-01-05T20:00:00.000Z', 'Europe/London')).toBe('2026-01-06T08:00:00.000Z');
  });

  it('keeps local time across zones and summer time', () => {
    expect(next('2026-07-01T06:30:00.000Z', 'Europe/London')).toBe('2026-07-01T07:00:00.000Z'); // 08:00 BST
    expect(next('2026-01-05T12:00:00.000Z', 'America/New_York')).toBe('2026-01-05T13:00:00.000Z'); // 07:00 EST -> 08:00
    expect(next('2026-01-05T12:00:00.000Z', 'Asia/Tokyo')).toBe('2026-01-05T23:00:00.000Z'); // 21:00 JST -> 08:00 next day
    expect(next('2026-01-05T00:00:00.000Z', 'Asia/Kolkata')).toBe('2026-01-05T02:30:00.000Z'); // 05:30 IST -> 08:00
  });

  it('opens at local 08:00 on the day the clocks go forward and on the day they go back', () => {
    expect(next('2026-03-29T00:30:00.000Z', 'Europe/London')).toBe('2026-03-29T07:00:00.000Z'); // 00:30 GMT -> 08:00 BST
    expect(next('2026-10-25T00:30:00.000Z', 'Europe/London')).toBe('2026-10-25T08:00:00.000Z'); // 01:30 BST -> 08:00 GMT
  });

  it('honours other hours, up to midnight', () => {
    expect(next('2026-01-05T08:30:00.000Z', 'UTC', 9, 17)).toBe('2026-01-05T09:00:00.000Z');
    expect(next('2026-01-05T23:59:00.000Z', 'UTC', 0, 24)).toBe('2026-01-05T23:59:00.000Z');
  });
});

describe('the zone of a debtor', () => {
  it('is that of a country keeping one clock, none for a country spanning several', () => {
    expect(zoneForCountry('GB')).toBe('Europe/London');
    expect(zoneForCountry('nl')).toBe('Europe/Amsterdam'); // filed under Europe/Brussels, named as the Dutch know it
    expect(zoneForCountry('DE')).toBe('Europe/Berlin'); // Busingen keeps Zurich's clock, which is Berlin's
    expect(zoneForCountry('US')).toBeUndefined();
    expect(zoneForCountry('AU')).toBeUndefined();
    expect(zoneForCountry(undefined)).toBeUndefined();
  });

  it('is the debtor\'s own, else their country\'s, else the client\'s setting, else the client\'s country\'s, else UTC', () => {
    const client = { contactHours: { timeZone: 'America/Chicago' }, country: 'GB' };
    expect(debtorTimeZone({ timezone: 'Asia/Tokyo', address: { country: 'GB' } }, client)).toBe('Asia/Tokyo');
    expect(debtorTimeZone({ address: { country: 'FR' } }, client)).toBe('Europe/Paris');
    expect(debtorTimeZone({ address: { country: 'US' } }, client)).toBe('America/Chicago');
    expect(debtorTimeZone({}, { contactHours: {}, country: 'GB' })).toBe('Europe/London');
    expect(debtorTimeZone({}, { contactHours: {} })).toBe('UTC');
  });
});
