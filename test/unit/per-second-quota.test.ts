import { expect, it } from 'vitest';
import { PerSecondQuota } from '../../infra/local/provider-quotas';

const clockAt = (ms: { now: number }) => ({ isAdvancing: true, now: () => new Date(ms.now) });

it("Connect's quota lets a burst of 5 through at one instant, then refills at 2 a second", () => {
  const t = { now: Date.parse('2026-01-05T09:00:00Z') };
  const q = new PerSecondQuota(2, clockAt(t), 5);
  expect(Array.from({ length: 6 }, () => q.take())).toEqual([true, true, true, true, true, false]);
  t.now += 500;
  expect([q.take(), q.take()]).toEqual([true, false]);
  t.now += 10_000;
  expect(Array.from({ length: 6 }, () => q.take()).filter(Boolean)).toHaveLength(5);
});

it('a rate without a stated burst (SES at 1 a second) lets one request a second through', () => {
  const t = { now: Date.parse('2026-01-05T09:00:00Z') };
  const q = new PerSecondQuota(1, clockAt(t));
  expect([q.take(), q.take()]).toEqual([true, false]);
  t.now += 999;
  expect(q.take()).toBe(false);
  t.now += 1;
  expect(q.take()).toBe(true);
});
