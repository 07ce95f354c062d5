import { debtorTimeZone, nextContactTime } from '../domain/contact-hours';
import type { CaseContext } from './case-context';

/**
 * A case's contact hours as a function on a step's instant: the first instant at or after it
 * inside the hours, in the debtor's zone (see debtorTimeZone). Every schedule of a run goes
 * through it, so a step never reaches a debtor at night, whatever time the case was imported.
 */
export function contactWindow(ctx: CaseContext): (at: string) => string {
  const hours = ctx.settings.contactHours;
  const zone = debtorTimeZone(ctx.c.debtor, { contactHours: hours, country: ctx.client.companyInfo.address.country });
  return (at) => {
    const ms = Date.parse(at);
    const open = nextContactTime(ms, zone, hours);
    return open === ms ? at : new Date(open).toISOString();
  };
}
