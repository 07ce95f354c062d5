import { describe, expect, it } from 'vitest';
import { jittered, retryDelay, type Retrier } from '../../infra/local/step-functions/retry-delay';

/** The step Task's rules, as the state machines write them. */
const RULES: Retrier[] = [
  { ErrorEquals: ['Recoup.CallOutcomePending'], IntervalSeconds: 900, MaxAttempts: 12, BackoffRate: 1 },
  { ErrorEquals: ['Lambda.ServiceException', 'Recoup.Transient'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, MaxDelaySeconds: 60 },
  { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 30, MaxAttempts: 3, BackoffRate: 4, MaxDelaySeconds: 900 },
];

describe('retryDelay (the local engine waits out Retry intervals on the virtual clock)', () => {
  it('uses the first rule that matches the error, with its backoff and cap', () => {
    expect(retryDelay(RULES, 'Recoup.CallOutcomePending', [])).toEqual({ ms: 900_000, rule: 0 });
    expect(retryDelay(RULES, 'Recoup.CallOutcomePending', [11])).toEqual({ ms: 900_000, rule: 0 });
    expect(retryDelay(RULES, 'Recoup.Transient', [0, 5])).toEqual({ ms: 60_000, rule: 1 }); // 2 x 2^5 = 64 s, capped at 60
    expect(retryDelay(RULES, 'Recoup.ProviderUnavailable', [])).toEqual({ ms: 30_000, rule: 2 }); // any task error
    expect(retryDelay(RULES, 'Recoup.ProviderUnavailable', [0, 0, 1])).toEqual({ ms: 120_000, rule: 2 });
  });

  it('stops once the matching rule made its attempts, without falling through to the next rule', () => {
    expect(retryDelay(RULES, 'Recoup.CallOutcomePending', [12])).toBeUndefined();
    expect(retryDelay(RULES, 'Recoup.Transient', [0, 6])).toBeUndefined();
    expect(retryDelay(RULES, 'States.Timeout', [])).toBeUndefined();
  });
});

describe('jittered (JitterStrategy FULL, drawn the same way on every run)', () => {
  const full: Retrier = { ErrorEquals: ['Recoup.Throttled'], IntervalSeconds: 5, JitterStrategy: 'FULL' };
  it('draws each try from (0, delay], repeatably, and apart for different executions', () => {
    const waits = Array.from({ length: 200 }, (_, i) => jittered(full, 5000, `exec-${i}|RunStep|1`));
    for (const w of waits) expect(w).toBeGreaterThan(0), expect(w).toBeLessThanOrEqual(5000);
    expect(new Set(waits).size).toBeGreaterThan(190);
    expect(jittered(full, 5000, 'exec-1|RunStep|1')).toBe(jittered(full, 5000, 'exec-1|RunStep|1'));
  });
  it('leaves a rule without jitter as it is', () => {
    expect(jittered({ ErrorEquals: ['States.ALL'], IntervalSeconds: 5 }, 5000, 'x')).toBe(5000);
  });
});
