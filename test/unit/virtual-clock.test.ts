import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../infra/local/virtual-clock';

const DAY = 86_400_000;

describe('VirtualClock', () => {
  it('runs due sleepers in time order and returns only when tracked work has settled', async () => {
    const clock = new VirtualClock(new Date('2026-01-01T00:00:00Z'));
    const log: string[] = [];
    const start = clock.now().getTime();
    for (const [name, days] of [['c', 3], ['a', 1], ['b', 2]] as const) {
      void clock.track(async () => {
        await clock.park(new Date(start + days * DAY));
        await new Promise((r) => setTimeout(r, 5)); // real async work after waking
        log.push(`${name}@${clock.now().toISOString().slice(0, 10)}`);
      });
    }
    await clock.advanceDays(2);
    expect(log).toEqual(['a@2026-01-02', 'b@2026-01-03']);
    expect(clock.now().toISOString()).toBe('2026-01-03T00:00:00.000Z');
    await clock.advanceDays(5);
    expect(log).toEqual(['a@2026-01-02', 'b@2026-01-03', 'c@2026-01-04']);
    expect(clock.now().toISOString()).toBe('2026-01-08T00:00:00.000Z');
  });

  it('follows chains: work woken by the clock that sleeps again is run in the same advance', async () => {
    const clock = new VirtualClock(new Date('2026-01-01T00:00:00Z'));
    const seen: string[] = [];
    void clock.track(async () => {
      for (let d = 1; d <= 5; d++) {
        await clock.park(new Date(Date.UTC(2026, 0, 1 + d * 10)));
        seen.push(clock.now().toISOString().slice(0, 10));
      }
    });
    await clock.advanceDays(35);
    expect(seen).toEqual(['2026-01-11', '2026-01-21', '2026-01-31']);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('never moves backwards', async () => {
    const clock = new VirtualClock(new Date('2026-01-10T00:00:00Z'));
    await expect(clock.advanceTo(new Date('2026-01-01T00:00:00Z'))).rejects.toThrow(/cannot move the clock back/);
  });

  it('refuses to park work that is not tracked, which advanceTo() could not wait for', () => {
    const clock = new VirtualClock(new Date('2026-01-10T00:00:00Z'));
    expect(() => clock.park(new Date('2026-01-11T00:00:00Z'))).toThrow(/inside track\(\)/);
  });

  it('resolves a sleep for a past instant at once', async () => {
    const clock = new VirtualClock(new Date('2026-01-10T00:00:00Z'));
    await expect(clock.sleepUntil(new Date('2026-01-01T00:00:00Z'))).resolves.toBeUndefined();
  });
});

describe('VirtualClock.wakeAt', () => {
  it('starts work at its instant, in the order set among equal instants, waits for it, and a cancelled one never runs', async () => {
    const clock = new VirtualClock(new Date('2026-01-01T00:00:00Z'));
    const start = clock.now().getTime();
    const log: string[] = [];
    const job = (name: string) => async () => {
      await new Promise((r) => setTimeout(r, 2)); // real async work the advance must wait for
      log.push(`${name}@${clock.now().toISOString().slice(0, 10)}`);
    };
    clock.wakeAt(new Date(start + 2 * DAY), job('b1'));
    clock.wakeAt(new Date(start + DAY), job('a'));
    const dropped = clock.wakeAt(new Date(start + DAY), job('dropped'));
    clock.wakeAt(new Date(start + 2 * DAY), job('b2'));
    dropped.cancel();
    expect(clock.pendingTimers()).toBe(3);
    await clock.advanceDays(3);
    expect(log).toEqual(['a@2026-01-02', 'b1@2026-01-03', 'b2@2026-01-03']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a restart resumes at the last instant work ran at, the saved file holding only that instant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recoup-clock-'));
    try {
      const path = join(dir, 'clock.json');
      // A longer saved text than any instant (a file edited by hand): the first save replaces it whole.
      writeFileSync(path, JSON.stringify({ now: '2026-01-01T00:00:00.000Z', note: 'x'.repeat(200) }));
      const clock = VirtualClock.restore(path, new Date('2020-01-01T00:00:00Z'));
      expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
      const seen: string[] = [];
      void clock.track(async () => {
        for (let h = 1; h <= 48; h++) {
          await clock.park(new Date(Date.parse('2026-01-01T00:00:00Z') + h * 3_600_000));
          seen.push(readFileSync(path, 'utf8'));
        }
      });
      await clock.advanceDays(1);
      // Saved at each instant before its work ran.
      expect(seen.map((t) => JSON.parse(t).now)).toEqual(Array.from({ length: 24 }, (_, i) => new Date(Date.parse('2026-01-01T00:00:00Z') + (i + 1) * 3_600_000).toISOString()));
      await clock.advanceTo(new Date('2026-01-02T23:00:00Z'));
      clock.close();
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ now: '2026-01-02T23:00:00.000Z' });
      expect(VirtualClock.restore(path, new Date('2020-01-01T00:00:00Z')).now().toISOString()).toBe('2026-01-02T23:00:00.000Z');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
