/**
 * A send the provider refused for its rate quota is not retried inside the function: the
 * SDK's own retries (within a second or two) mostly meet the same full second again and only
 * spend the function's time. The refusal goes to the step (Recoup.Throttled), whose Retry rule
 * backs off with jitter across every execution, as SES asks of a throttled sender ("wait for an
 * interval of up to 10 minutes, and then retry",
 * https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html). Other retryable
 * failures (a 5xx, a reset connection) keep the SDK's standard retries.
 */
interface RetryStrategyLike {
  mode?: string;
  acquireInitialRetryToken(scope: string): Promise<unknown>;
  refreshRetryTokenForRetry(token: unknown, errorInfo: { errorType?: string }): Promise<unknown>;
  recordSuccess(token: unknown): void;
}

/** Wraps the client's retry strategy so throttling errors end the call at once (the SDK then throws the provider's error). */
export function withoutThrottlingRetries<C extends { config: object }>(client: C): C {
  const config = client.config as { retryStrategy: () => Promise<RetryStrategyLike> };
  const standard = config.retryStrategy;
  config.retryStrategy = async () => {
    const s = await standard();
    return {
      mode: s.mode,
      acquireInitialRetryToken: (scope) => s.acquireInitialRetryToken(scope),
      refreshRetryTokenForRetry: (token, errorInfo) => (errorInfo.errorType === 'THROTTLING' ? Promise.reject(new Error('throttled: left to the step retry')) : s.refreshRetryTokenForRetry(token, errorInfo)),
      recordSuccess: (token) => s.recordSuccess(token),
    };
  };
  return client;
}
