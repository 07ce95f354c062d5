import { z } from 'zod';
import { AWS_DEFAULT_QUOTAS } from '../../shared/adapters/provider-quotas';
import type { VirtualClock } from './virtual-clock';

/**
 * The providers' quotas, enforced by the local stand-ins as the services enforce them: SES
 * sends, SNS SMS and Connect calls per second, Lambda concurrency. The same settings the
 * deployment reads (SES_MAX_SEND_RATE, SMS_MAX_SEND_RATE, CONNECT_MAX_CALL_RATE, and
 * LAMBDA_CONCURRENCY for the account's concurrency), AWS's default quotas when unset.
 */
export function localQuotaSettings(env: NodeJS.ProcessEnv = process.env) {
  const rate = z.coerce.number().positive();
  return z
    .object({
      SES_MAX_SEND_RATE: rate.default(AWS_DEFAULT_QUOTAS.sesSendsPerSecond),
      SMS_MAX_SEND_RATE: rate.default(AWS_DEFAULT_QUOTAS.smsPerSecond),
      CONNECT_MAX_CALL_RATE: rate.default(AWS_DEFAULT_QUOTAS.connectCallsPerSecond),
      LAMBDA_CONCURRENCY: z.coerce.number().int().min(1).default(AWS_DEFAULT_QUOTAS.lambdaConcurrency),
    })
    .parse({ SES_MAX_SEND_RATE: env.SES_MAX_SEND_RATE, SMS_MAX_SEND_RATE: env.SMS_MAX_SEND_RATE, CONNECT_MAX_CALL_RATE: env.CONNECT_MAX_CALL_RATE, LAMBDA_CONCURRENCY: env.LAMBDA_CONCURRENCY });
}

/**
 * A provider's requests-per-second quota, as a token bucket: `perSecond` tokens a second refill
 * a bucket of `burst` (Amazon Connect's StartOutboundVoiceContact: a rate of 2 per second with a
 * burst of 5, https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html;
 * SES and SNS state a rate only, so their burst is the rate). Which seconds count: the virtual
 * clock's while an advance runs due work (the clock stands still at each instant while everything
 * due then runs, so a cohort due at one instant really is a burst within one second, as it would be
 * on AWS), and the wall clock's between advances (API calls made while virtual time stands still
 * take real time, as they would on AWS). Moving from one to the other starts with a full bucket.
 */
export class PerSecondQuota {
  private source: 'virtual' | 'wall' | undefined;
  private tokens = 0;
  private at = 0;
  readonly burst: number;

  constructor(
    readonly perSecond: number,
    private readonly clock: Pick<VirtualClock, 'now' | 'isAdvancing'>,
    burst?: number,
  ) {
    this.burst = burst ?? Math.max(1, Math.floor(perSecond));
  }

  /** Takes one token; false when the bucket is empty (the request is refused, as the service would). */
  take(): boolean {
    const source = this.clock.isAdvancing ? 'virtual' : 'wall';
    const ms = source === 'virtual' ? this.clock.now().getTime() : Date.now();
    if (source !== this.source) {
      this.source = source;
      this.tokens = this.burst;
    } else {
      this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, ms - this.at) / 1000) * this.perSecond);
    }
    this.at = ms;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
