import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Clock } from '../../shared/adapters/clock';
import { TimerHeap, type HeapTimer } from './timer-heap';

interface Timer extends HeapTimer {
  /** Runs when the timer is due: wakes a sleeper, or starts tracked work (`wakeAt()`). */
  fire: () => void;
}

/** A timer set by `wakeAt()`, for cancelling it. */
export interface WakeUp {
  readonly at: Date;
  cancel(): void;
}

/**
 * Local time that moves only when told to. Background work (workflow executions, queue
 * consumers, schedules) runs inside `track()` and waits for time with `park()`; `advanceTo()`
 * fires every sleeper due by the target in time order and, after each step, waits until all
 * tracked work has finished or parked again. So "advance 30 days" returns only when everything
 * due in those 30 days has run, in order, and tests are deterministic.
 *
 * Tracked work says so itself (`park()` rather than `sleepUntil()`) instead of the clock
 * finding out through AsyncLocalStorage: on Node 20 a live AsyncLocalStorage turns on promise
 * hooks for every promise in the process, which made each SDK request of the handlers about a
 * quarter slower.
 */
export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new TimerHeap<Timer>();
  /** Tracked tasks currently running (not parked in a sleep). */
  private busy = 0;
  private idleWaiters: (() => void)[] = [];
  private advancing: Promise<unknown> = Promise.resolve();
  private running = false;
  /** The clock file, open for the clock's life: see persist(). */
  private fd?: number;
  private persistedBytes = 0;

  constructor(
    start: Date,
    private readonly persistPath?: string,
  ) {
    this.t = start.getTime();
  }

  /** Restores the clock saved under `persistPath`, so virtual time never runs backwards across restarts. */
  static restore(persistPath: string, fallback: Date): VirtualClock {
    try {
      const saved = JSON.parse(readFileSync(persistPath, 'utf8')) as { now?: string };
      const at = saved.now ? new Date(saved.now) : fallback;
      return new VirtualClock(Number.isNaN(at.getTime()) ? fallback : at, persistPath);
    } catch {
      return new VirtualClock(fallback, persistPath);
    }
  }

  now(): Date {
    return new Date(this.t);
  }

  /** A sleep that `advanceTo()` does not wait for once it wakes (the clock port's sleep). */
  sleepUntil(at: Date): Promise<void> {
    return this.sleep(at, false);
  }

  /**
   * Parks tracked work (code running inside `track()`) until `at`: the clock counts it idle
   * until then, and waits for it again once it is woken.
   */
  park(at: Date): Promise<void> {
    if (this.busy === 0) throw new Error('park() is for work running inside track(); use sleepUntil() elsewhere');
    return this.sleep(at, true);
  }

  /** Runs background work that `advanceTo()` must wait for. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await work();
    } finally {
      this.markParked();
    }
  }

  /**
   * Starts `work` as tracked work (see `track()`) once `at` is due, at once if it is already:
   * what stays in memory meanwhile is the timer and the closure, not a parked promise chain.
   * `work` must catch its own errors.
   */
  wakeAt(at: Date, work: () => Promise<unknown>): WakeUp {
    const timer: Timer = { at: at.getTime(), seq: this.seq++, fire: () => void this.track(work) };
    // Counted busy at once, run a microtask later: the caller's own code comes first.
    if (timer.at <= this.t) void this.track(() => Promise.resolve().then(work));
    else this.timers.push(timer);
    return { at, cancel: () => this.timers.cancel(timer) };
  }

  private sleep(at: Date, tracked: boolean): Promise<void> {
    if (at.getTime() <= this.t) return Promise.resolve();
    return new Promise<void>((resolve) => {
      if (tracked) this.markParked();
      const fire = tracked
        ? () => {
            this.busy++;
            resolve();
          }
        : resolve;
      this.timers.push({ at: at.getTime(), seq: this.seq++, fire });
    });
  }

  /** Moves time forward to `target`, running everything due on the way; calls are serialised. */
  advanceTo(target: Date): Promise<Date> {
    const run = this.advancing.then(() => this.doAdvance(target.getTime()));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  advanceDays(days: number): Promise<Date> {
    return this.advanceTo(new Date(this.t + days * 86_400_000));
  }

  /** True while an advance runs due work (the stand-ins' per-second quotas count virtual seconds then). */
  get isAdvancing(): boolean {
    return this.running;
  }

  /** Resolves when no tracked work is running. */
  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Sleepers still waiting (for diagnostics and tests). */
  pendingTimers(): number {
    return this.timers.size;
  }

  private async doAdvance(target: number): Promise<Date> {
    if (target < this.t) throw new RangeError(`cannot move the clock back from ${this.now().toISOString()} to ${new Date(target).toISOString()}`);
    this.running = true;
    try {
      return await this.runUntil(target);
    } finally {
      this.running = false;
    }
  }

  private async runUntil(target: number): Promise<Date> {
    await this.idle();
    for (;;) {
      const first = this.timers.peek();
      if (!first || first.at > target) break;
      const next = first.at;
      this.t = Math.max(this.t, next);
      // Saved at each instant work runs at, not only at the target: a stack killed mid-advance
      // restarts at the last instant whose work began, never before work it already did.
      this.persist();
      // Every timer due at this instant, in the order they were set.
      while (this.timers.peek()?.at === next) this.timers.pop()!.fire();
      await this.idle();
    }
    this.t = target;
    this.persist();
    return this.now();
  }

  private markParked(): void {
    this.busy--;
    if (this.busy === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /**
   * Overwrites the saved instant in place through a descriptor kept open: an advance saves at
   * every instant work runs at (the enrichment schedule alone is six a day, 2,000 a virtual
   * year), and opening, truncating and closing the file each time took about a quarter of a
   * long run's CPU. The text keeps its length (ISO instants of years 0000-9999 are all 24
   * characters), so the one write replaces it whole and a reader never sees an empty file.
   */
  private persist(): void {
    if (!this.persistPath) return;
    const text = Buffer.from(JSON.stringify({ now: this.now().toISOString() }));
    if (this.fd === undefined) {
      this.fd = openClockFile(this.persistPath);
      // Whatever the file held before is cut to the first save's length.
      this.persistedBytes = Number.POSITIVE_INFINITY;
    }
    writeSync(this.fd, text, 0, text.length, 0);
    if (text.length < this.persistedBytes) ftruncateSync(this.fd, text.length);
    this.persistedBytes = text.length;
  }

  /** Closes the clock file (the stack's stop); a later advance opens it again. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Opens the clock file for writing in place, without emptying a saved one first. */
function openClockFile(path: string): number {
  try {
    return openSync(path, 'r+');
  } catch {
    return openSync(path, 'w');
  }
}
