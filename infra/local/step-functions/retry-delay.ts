/** A Retry rule of a Task state, as ASL writes it. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
}

/**
 * The wait before the next try of a Task that failed with `errorName`, as Step Functions waits
 * it: the first rule whose ErrorEquals matches decides (none further down), IntervalSeconds x
 * BackoffRate^(tries it made), capped by MaxDelaySeconds; none once it made MaxAttempts. No
 * jitter: local runs stay deterministic. `tries[i]` counts the retries rule i made so far.
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
