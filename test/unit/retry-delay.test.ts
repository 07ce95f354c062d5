import { describe, expect, it } from 'vitest';
import { retryDelay, type Retrier } from '../../infra/local/step-functions/retry-delay';

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
