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
 * A provider's requests-per-second quota. Which seconds count: the virtual clock's while an
 * advance runs due work (the clock stands still at each instant while everything due then
 * runs, so a cohort due at one instant really is a burst within one second, as it would be on
 * AWS), and the wall clock's between advances (API calls made while virtual time stands still
 * take real time, as they would on AWS; counting them against one frozen virtual second would
 * throttle a few payments' closure emails that AWS would send).
 */
export class PerSecondQuota {
  private window = '';
  private used = 0;
  /** Requests a window holds, and the window's length: at least one request per window (a rate below 1 per second is one per 1/rate seconds). */
  private readonly capacity: number;
  private readonly windowMs: number;

  constructor(
    readonly perSecond: number,
    private readonly clock: Pick<VirtualClock, 'now' | 'isAdvancing'>,
  ) {
    this.windowMs = perSecond >= 1 ? 1000 : Math.ceil(1000 / perSecond);
    this.capacity = perSecond >= 1 ? Math.floor(perSecond) : 1;
  }

  /** Counts one request; false when the current second's quota is already spent (the request is refused, as the service would). */
  take(): boolean {
    const virtual = this.clock.isAdvancing;
    const ms = virtual ? this.clock.now().getTime() : Date.now();
    const window = `${virtual ? 'v' : 'w'}${Math.floor(ms / this.windowMs)}`;
    if (window !== this.window) {
      this.window = window;
      this.used = 0;
    }
    if (this.used >= this.capacity) return false;
    this.used++;
    return true;
  }
}
