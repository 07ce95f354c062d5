/**
 * Spreading a cohort's sends over the contact hours. A large import, or the contact hours
 * moving every night-time step to 08:00, puts thousands of steps on one instant; the
 * providers accept a few per second (SES, SNS, Connect quotas) and answer the rest with
 * throttling errors. Each case therefore sends at its own point of the contact window: a
 * stable hash of the case id picks a fraction of the window left after the step is due, in
 * slots of one send at the provider's rate. N cases due at one instant land on N slots spread
 * evenly over the window, so a window of `w` seconds holds `w x rate` sends before any second
 * holds more than the provider's rate (20,000 cases over a 12-hour window at 1 email per
 * second: 0.46 per second on average). The fraction belongs to the case, so its steps keep
 * their order and a rerun (a resumed run, a retried schedule) lands on the same instants.
 * Hash collisions still put two cases on one slot now and then: the provider's throttling
 * answer is retried with backoff and jitter by the step's Retry rule.
 */

/** A stable fraction in [0, 1) of a case id (FNV-1a, 32 bits). */
export function spreadFraction(caseId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < caseId.length; i++) {
    h ^= caseId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 2 ** 32;
}

/**
 * The instant a step due at `dueMs` goes out: `fraction` of the time left until `windowEndMs`
 * (the end of the contact hours it is due in), rounded down to a slot of `slotMs` (one send at
 * the provider's rate). Always in [dueMs, windowEndMs) when the window is open at `dueMs`.
 */
export function spreadInWindow(dueMs: number, windowEndMs: number, fraction: number, slotMs: number): number {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`fraction must be in [0, 1), got ${fraction}`);
  if (!(slotMs > 0)) throw new RangeError(`slotMs must be positive, got ${slotMs}`);
  const span = windowEndMs - dueMs;
  if (span <= 0) return dueMs;
  return dueMs + Math.floor((fraction * span) / slotMs) * slotMs;
}
