/**
 * AWS's default quotas for what Recoup sends through, per account and Region. They are the
 * defaults of the deployment's settings (config.ts: SES_MAX_SEND_RATE, SMS_MAX_SEND_RATE,
 * CONNECT_MAX_CALL_RATE) and what the local stand-ins enforce unless told otherwise.
 */
export const AWS_DEFAULT_QUOTAS = {
  /**
   * SES sending rate: 1 email per second in the sandbox; out of it, what the account was
   * granted. https://docs.aws.amazon.com/ses/latest/dg/quotas.html
   * Over it, SES answers ThrottlingException "Maximum sending rate exceeded."
   * https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html
   */
  sesSendsPerSecond: 1,
  /**
   * SNS SMS: 20 transactional messages per second per account.
   * https://docs.aws.amazon.com/general/latest/gr/sns.html
   * Over it, Publish answers Throttled ("the rate at which requests have been submitted for
   * this action exceeds the limit for your Amazon Web Services account").
   * https://docs.aws.amazon.com/botocore/latest/reference/services/sns/client/exceptions/ThrottledException.html
   */
  smsPerSecond: 20,
  /**
   * Amazon Connect API: a rate of 2 requests per second (burst 5) for StartOutboundVoiceContact
   * and most other operations; over it, TooManyRequestsException (429).
   * https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html
   */
  connectCallsPerSecond: 2,
  /** Connect's burst above that rate: 5 requests (same page). */
  connectCallBurst: 5,
  /**
   * Lambda: 1,000 concurrent executions per Region; over it an invocation is refused with
   * TooManyRequestsException (429, Reason ConcurrentInvocationLimitExceeded).
   * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
   * https://docs.aws.amazon.com/botocore/latest/reference/services/lambda/client/exceptions/TooManyRequestsException.html
   */
  lambdaConcurrency: 1000,
} as const;
