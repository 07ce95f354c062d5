/**
 * How a provider call ended when it did not succeed. The channel task decides from this
 * whether Step Functions may retry (the message surely did not leave) or not.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    /** `transient`: not sent, worth retrying. `permanent`: not sent, a retry cannot help (bad number, refused). `ambiguous`: may have been sent. */
    readonly kind: 'transient' | 'permanent' | 'ambiguous',
    readonly provider: string,
    /** A transient refusal for the provider's rate quota (SES sending rate, SMS per second, Connect's API rate): retried with a longer backoff. */
    readonly throttled = false,
    /** The provider's HTTP status, when it answered one. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Classifies an AWS SDK error: 5xx / throttling were refused before sending; 4xx are permanent; no response is ambiguous. */
export function providerError(provider: string, e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = err.$metadata?.httpStatusCode;
  const text = `${provider}: ${err.name ?? 'Error'}: ${err.message ?? String(e)}`;
  if (status === undefined) return new ProviderError(text, 'ambiguous', provider);
  // SES: ThrottlingException "Maximum sending rate exceeded."; SNS: Throttled; Connect and Lambda: TooManyRequestsException (429).
  const throttled = status === 429 || /Throttl|TooManyRequests|LimitExceeded/i.test(err.name ?? '') || /Maximum sending rate exceeded/i.test(err.message ?? '');
  if (status >= 500 || throttled) return new ProviderError(text, 'transient', provider, throttled);
  return new ProviderError(text, 'permanent', provider);
}
