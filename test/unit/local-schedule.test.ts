import { expect, it } from 'vitest';
import { dailyCronMinutes, nextRun } from '../../infra/local/enrichment-schedule';
import { needsOf } from '../../infra/function-catalog';

it('reads the daily cron forms the catalog uses, and refuses others rather than guess', () => {
  expect(dailyCronMinutes('cron(0 6 * * ? *)')).toEqual([360]);
  expect(dailyCronMinutes('cron(30 6-8 * * ? *)')).toEqual([390, 450, 510]);
  expect(() => dailyCronMinutes('rate(1 hour)')).toThrow(/daily cron/);
  expect(dailyCronMinutes(needsOf('enrichment-sweep').schedule!).length).toBeGreaterThan(1);
});

it('the next run is the first of the day\'s times after now, else the first one tomorrow', () => {
  const minutes = dailyCronMinutes('cron(0 6-7 * * ? *)');
  expect(nextRun(new Date('2026-01-05T05:59:00Z'), minutes).toISOString()).toBe('2026-01-05T06:00:00.000Z');
  expect(nextRun(new Date('2026-01-05T06:00:00Z'), minutes).toISOString()).toBe('2026-01-05T07:00:00.000Z');
  expect(nextRun(new Date('2026-01-05T07:00:00Z'), minutes).toISOString()).toBe('2026-01-06T06:00:00.000Z');
});
