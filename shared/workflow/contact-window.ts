import { config } from '../adapters/config';
import { contactWindowEnd, debtorTimeZone, nextContactTime } from '../domain/contact-hours';
import { spreadFraction, spreadInWindow } from '../domain/send-spread';
import type { NodeType } from '../schemas/workflow';
import type { CaseContext } from './case-context';

/**
 * A case's contact hours as a function on a step's instant: the first instant at or after it
 * inside the hours, in the debtor's zone (see debtorTimeZone). Every schedule of a run goes
 * through it, so a step never reaches a debtor at night, whatever time the case was imported.
 */
export function contactWindow(ctx: CaseContext): (at: string) => string {
  const { zone, hours } = zoneAndHours(ctx);
  return (at) => {
    const ms = Date.parse(at);
    const open = nextContactTime(ms, zone, hours);
    return open === ms ? at : new Date(open).toISOString();
  };
}

/**
 * The Retry interval at which a call step reads a placed call's outcome and places the next
 * attempt (the `Recoup.CallOutcomePending` rule of the state machines).
 */
const CALL_OUTCOME_INTERVAL_MS = 15 * 60_000;

/**
 * Room kept before the hours end for a send the provider refused for its rate: the steps'
 * `Recoup.Throttled` Retry (25 attempts, 2 s growing by 1.5 to at most 120 s, full jitter)
 * waits about 17 minutes over all its attempts on average and 34 at most, so a send spread
 * to the window's last slot and refused is still retried inside the hours.
 */
const THROTTLE_RESERVE_MS = 35 * 60_000;

/**
 * When a step of this case due at `at` goes out: in the debtor's contact hours (contactWindow),
 * then, unless the hours say `spread: false`, at the case's own point of what is left of that
 * day's hours (send-spread.ts), in slots of one send at the provider's rate. A cohort due at one
 * instant is paced over the window instead of reaching a provider all at once. A call keeps
 * room before the hours end for its retries (one outcome read every 15 minutes), which are
 * not placed at night; an email or SMS keeps room for its throttling retries.
 */
export function sendTime(ctx: CaseContext): (at: string, channel: NodeType) => string {
  const { zone, hours } = zoneAndHours(ctx);
  const fraction = spreadFraction(ctx.c.caseId);
  const callReserveMs = (ctx.settings.maxPhoneCallRetries + 1) * CALL_OUTCOME_INTERVAL_MS;
  const reserveMs = (channel: NodeType) => (channel === 'call' || channel === 'voice' ? callReserveMs : channel === 'email' || channel === 'sms' ? THROTTLE_RESERVE_MS : 0);
  return (at, channel) => {
    const ms = Date.parse(at);
    const due = nextContactTime(ms, zone, hours);
    if (hours.spread === false) return due === ms ? at : new Date(due).toISOString();
    const end = contactWindowEnd(due, zone, hours) - reserveMs(channel);
    const out = spreadInWindow(due, end, fraction, slotMs(channel));
    return out === ms ? at : new Date(out).toISOString();
  };
}

/** One send at the provider's rate, in whole milliseconds; a second for channels without a rate quota (letters, tickets). */
function slotMs(channel: NodeType): number {
  const c = config();
  const rate = channel === 'email' ? c.SES_MAX_SEND_RATE : channel === 'sms' ? c.SMS_MAX_SEND_RATE : channel === 'voice' || channel === 'call' ? c.CONNECT_MAX_CALL_RATE : 1;
  return Math.max(1, Math.floor(1000 / rate));
}

function zoneAndHours(ctx: CaseContext) {
  const hours = ctx.settings.contactHours;
  return { hours, zone: debtorTimeZone(ctx.c.debtor, { contactHours: hours, country: ctx.client.companyInfo.address.country }) };
}
