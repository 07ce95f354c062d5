import { getCountry, getTimezone, getTimezonesForCountry } from 'countries-and-timezones';
import type { ContactHours } from '../schemas/workflow';

/**
 * Contact hours: workflow steps reach a debtor only between `from`:00 and `to`:00 of the
 * debtor's local time. Pure functions over instants in epoch milliseconds and IANA zones.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const countryZones = new Map<string, string | undefined>();

/** The zone of a country when the whole country keeps one clock (GB, NL, DE...); undefined when it spans several (US, AU...) or is unknown. */
export function zoneForCountry(country: string | undefined): string | undefined {
  if (!country) return undefined;
  const code = country.toUpperCase();
  if (!countryZones.has(code)) countryZones.set(code, oneClockZone(code));
  return countryZones.get(code);
}

function oneClockZone(country: string): string | undefined {
  const zones = getCountry(country)?.timezones ?? [];
  // Zones of one country that keep the same offsets (Berlin and Busingen) are one clock.
  const clocks = new Set(
    zones.map((z) => {
      const t = getTimezone(z);
      return t ? `${t.utcOffset}/${t.dstOffset}` : z;
    }),
  );
  if (clocks.size !== 1) return undefined;
  // The country's own name for it where the database files it under a neighbour's (NL keeps
  // Europe/Amsterdam, an alias of Europe/Brussels): what an operator expects to read on a case.
  const zone = zones[0]!;
  if (getTimezone(zone)?.countries[0] === country) return zone;
  const own = getTimezonesForCountry(country, { deprecated: true })?.find((t) => t.aliasOf === zone && t.countries.length === 1 && t.name.includes('/'));
  return own?.name ?? zone;
}

/**
 * The zone a debtor's contact hours are kept in: the debtor's own (the CSV's debtor_timezone),
 * else their country's when it keeps one clock, else the client's contact-hours zone, else the
 * client's own country's, else UTC.
 */
export function debtorTimeZone(
  debtor: { timezone?: string; country?: string; address?: { country?: string } },
  client: { contactHours: Pick<ContactHours, 'timeZone'>; country?: string },
): string {
  return debtor.timezone ?? zoneForCountry(debtor.country ?? debtor.address?.country) ?? client.contactHours.timeZone ?? zoneForCountry(client.country) ?? 'UTC';
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Local time minus UTC at `ms` in `zone`, in milliseconds (whole minutes). */
function offsetMs(ms: number, zone: string): number {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formats.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  return local - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/**
 * The first instant at or after `ms` inside the contact hours of `zone`: `ms` itself when it is
 * inside, else the next local `from`:00 (the same local day when it is still early, else the
 * next).
 */
export function nextContactTime(ms: number, zone: string, hours: Pick<ContactHours, 'from' | 'to'>): number {
  const local = ms + offsetMs(ms, zone);
  const localDay = Math.floor(local / DAY_MS) * DAY_MS;
  const hour = (local - localDay) / HOUR_MS;
  if (hour >= hours.from && hour < hours.to) return ms;
  const targetLocal = localDay + hours.from * HOUR_MS + (hour >= hours.to ? DAY_MS : 0);
  // Local to UTC with the offset in force at the target (a clock change may lie in between).
  const utc = targetLocal - offsetMs(targetLocal - offsetMs(ms, zone), zone);
  return Math.max(utc, ms);
}

/**
 * The end of the contact hours that `ms` lies in (local `to`:00 of that local day), for an
 * instant inside the hours (see nextContactTime); `ms` itself when it is outside.
 */
export function contactWindowEnd(ms: number, zone: string, hours: Pick<ContactHours, 'from' | 'to'>): number {
  const local = ms + offsetMs(ms, zone);
  const localDay = Math.floor(local / DAY_MS) * DAY_MS;
  const hour = (local - localDay) / HOUR_MS;
  if (hour < hours.from || hour >= hours.to) return ms;
  const targetLocal = localDay + hours.to * HOUR_MS;
  const utc = targetLocal - offsetMs(targetLocal - offsetMs(ms, zone), zone);
  return Math.max(utc, ms);
}
