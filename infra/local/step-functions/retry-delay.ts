/** A Retry rule of a Task state, as ASL writes it. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/**
 * The wait before the next try of a Task that failed with `errorName`, as Step Functions waits
 * it: the first rule whose ErrorEquals matches decides (none further down), IntervalSeconds x
 * BackoffRate^(tries it made), capped by MaxDelaySeconds; none once it made MaxAttempts. The
 * rule's jitter is applied by `jittered`. `tries[i]` counts the retries rule i made so far.
 */
export function retryDelay(rules: readonly Retrier[], errorName: string, tries: readonly number[]): { ms: number; rule: number } | undefined {
  const rule = rules.findIndex((r) => r.ErrorEquals.some((e) => e === errorName || e === 'States.ALL' || (e === 'States.TaskFailed' && errorName !== 'States.Timeout')));
  if (rule < 0) return undefined;
  const r = rules[rule]!;
  const made = tries[rule] ?? 0;
  if (made >= (r.MaxAttempts ?? 3)) return undefined;
  const seconds = Math.min((r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** made, r.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
  return { ms: seconds * 1000, rule };
}

/**
 * A retry's wait under the rule's JitterStrategy: FULL draws it from (0, ms] as Step Functions
 * does ("randomizes the delay interval between 0 and the value computed by backoff",
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html), so Tasks
 * refused together (a cohort throttled in one second) come back apart. Locally the draw is a
 * hash of `seed` (execution, state, input, try), so a run repeats exactly; never 0, so a retry
 * is always later than the failure it follows.
 */
export function jittered(rule: Retrier, ms: number, seed: string): number {
  if (rule.JitterStrategy !== 'FULL' || ms <= 1) return ms;
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return 1 + Math.floor((h / 2 ** 32) * ms);
}
