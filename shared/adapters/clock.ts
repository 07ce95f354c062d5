/**
 * The clock port. Wall time on AWS (where Step Functions Wait states do the waiting);
 * a controllable virtual clock locally so 90 days of collection pass in seconds.
 */
export interface Clock {
  now(): Date;
  /** Resolves once the clock reads `at` or later. */
  sleepUntil(at: Date): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleepUntil: (at) =>
    new Promise((resolve) => {
      // setTimeout overflows past 2^31-1 ms; sleep in chunks.
      const step = () => {
        const ms = at.getTime() - Date.now();
        if (ms <= 0) resolve();
        else setTimeout(step, Math.min(ms, 2 ** 31 - 1));
      };
      step();
    }),
};

let current: Clock = systemClock;

export function clock(): Clock {
  return current;
}

/** Installs another clock for the whole process (the local runtime and tests do this). */
export function useClock(c: Clock): void {
  current = c;
}

export function nowIso(): string {
  return current.now().toISOString();
}

export function todayIso(): string {
  return nowIso().slice(0, 10);
}
