import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contactWindowEnd, nextContactTime } from '../../shared/domain/contact-hours';
import { spreadFraction, spreadInWindow } from '../../shared/domain/send-spread';

const HOURS = { from: 8, to: 20 };
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/** Where a step due at `due` goes out for `caseId`, as the schedule computes it (contact-window.ts). */
function sendsAt(caseId: string, due: string, zone: string, slotMs: number): number {
  const open = nextContactTime(at(due), zone, HOURS);
  return spreadInWindow(open, contactWindowEnd(open, zone, HOURS), spreadFraction(caseId), slotMs);
}

describe('contactWindowEnd', () => {
  it('is the local closing hour of the day an instant is in, across zones and summer time', () => {
    expect(iso(contactWindowEnd(at('2026-01-06T08:00:00.000Z'), 'Europe/London', HOURS))).toBe('2026-01-06T20:00:00.000Z');
    expect(iso(contactWindowEnd(at('2026-07-01T07:00:00.000Z'), 'Europe/London', HOURS))).toBe('2026-07-01T19:00:00.000Z'); // BST
    expect(iso(contactWindowEnd(at('2026-01-05T21:00:00.000Z'), 'America/New_York', HOURS))).toBe('2026-01-06T01:00:00.000Z');
    expect(iso(contactWindowEnd(at('2026-01-05T23:59:00.000Z'), 'UTC', { from: 0, to: 24 }))).toBe('2026-01-06T00:00:00.000Z');
  });

  it('is the instant itself outside the hours', () => {
    expect(iso(contactWindowEnd(at('2026-01-05T21:00:00.000Z'), 'Europe/London', HOURS))).toBe('2026-01-05T21:00:00.000Z');
  });
});

describe('spreading a cohort over the contact window', () => {
  // Case ids as the importer makes them (random-looking), fixed so the figures below repeat.
  const cohort = Array.from({ length: 20_000 }, (_, i) => createHash('sha256').update(`case ${i}`).digest('hex').slice(0, 26));

  it('is deterministic per case: the same case always gets the same instant', () => {
    const id = 'c-7f1d2a';
    expect(spreadFraction(id)).toBe(spreadFraction(id));
    expect(sendsAt(id, '2026-01-05T21:00:00.000Z', 'Europe/London', 1000)).toBe(sendsAt(id, '2026-01-05T21:00:00.000Z', 'Europe/London', 1000));
    expect(spreadFraction('c-7f1d2a')).not.toBe(spreadFraction('c-7f1d2b'));
  });

  it('keeps every send inside the window it is due in, never before it is due', () => {
    for (const id of cohort.slice(0, 2000)) {
      const t = sendsAt(id, '2026-01-05T21:00:00.000Z', 'Europe/London', 1000); // due at night: from 08:00 the next day
      expect(t).toBeGreaterThanOrEqual(at('2026-01-06T08:00:00.000Z'));
      expect(t).toBeLessThan(at('2026-01-06T20:00:00.000Z'));
      const inside = sendsAt(id, '2026-01-06T15:30:00.000Z', 'Europe/London', 1000); // due in the afternoon: the rest of that day
      expect(inside).toBeGreaterThanOrEqual(at('2026-01-06T15:30:00.000Z'));
      expect(inside).toBeLessThan(at('2026-01-06T20:00:00.000Z'));
    }
  });

  it('puts 20,000 cases due at one instant on slots of the provider rate, no second far above it', () => {
    // SES at its default 1 email per second: 43,200 one-second slots between 08:00 and 20:00.
    const perSecond = new Map<number, number>();
    for (const id of cohort) {
      const t = sendsAt(id, '2026-01-05T21:00:00.000Z', 'Europe/London', 1000);
      expect(t % 1000).toBe(0); // on a slot
      perSecond.set(t, (perSecond.get(t) ?? 0) + 1);
    }
    const counts = [...perSecond.values()];
    // Spread, not bunched: most sends have their second to themselves, and hash collisions
    // (left to the throttling retry) stay a small share with no pile-up.
    const alone = counts.filter((n) => n === 1).length;
    expect(alone / cohort.length).toBeGreaterThan(0.6);
    expect(Math.max(...counts)).toBeLessThanOrEqual(8);
    const byHour = new Map<number, number>();
    for (const t of perSecond.keys()) byHour.set(new Date(t).getUTCHours(), (byHour.get(new Date(t).getUTCHours()) ?? 0) + (perSecond.get(t) ?? 0));
    expect([...byHour.keys()].sort((a, b) => a - b)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    // Each hour of the window gets about a twelfth of the cohort (1,667), none near the hour's capacity (3,600).
    for (const n of byHour.values()) expect(n).toBeGreaterThan(1400), expect(n).toBeLessThan(1950);
  });

  it('respects the window capacity: a second at the rate holds its slots, a narrower slot means a faster provider', () => {
    // SNS SMS at 20 per second: 50 ms slots, twenty to a second.
    const t = spreadInWindow(at('2026-01-06T08:00:00.000Z'), at('2026-01-06T20:00:00.000Z'), 0.5, 50);
    expect(iso(t)).toBe('2026-01-06T14:00:00.000Z');
    expect(spreadInWindow(1000, 2000, 0.999, 50)).toBe(1950);
    expect(spreadInWindow(1000, 2000, 0, 50)).toBe(1000);
    expect(spreadInWindow(1000, 1000, 0.5, 50)).toBe(1000); // no window left: as due
    expect(() => spreadInWindow(0, 10, 1, 1)).toThrow(RangeError);
  });
});
