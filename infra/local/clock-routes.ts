import { z } from 'zod';
import { issuesToDetails } from '../../shared/http/validate';
import type { LocalRoute } from './api-server';
import type { VirtualClock } from './virtual-clock';

const advanceBody = z.union([
  z.object({ days: z.number().positive().max(3650) }).strict(),
  z.object({ to: z.iso.datetime() }).strict(),
]);

/** GET /local/clock and POST /local/clock/advance: the virtual clock, local only. */
export function localRoutesForClock(clock: VirtualClock): Record<string, LocalRoute> {
  return {
    'GET /local/clock': async () => ({ status: 200, body: { now: clock.now().toISOString() } }),
    'POST /local/clock/advance': async (body) => {
      const parsed = advanceBody.safeParse(body);
      if (!parsed.success) {
        return { status: 400, body: { error: { code: 'validation_failed', message: 'send { "days": n } or { "to": "<ISO instant>" }', details: issuesToDetails(parsed.error.issues) } } };
      }
      const target = 'days' in parsed.data ? new Date(clock.now().getTime() + parsed.data.days * 86_400_000) : new Date(parsed.data.to);
      if (target < clock.now()) {
        return { status: 409, body: { error: { code: 'clock_backwards', message: `virtual time is ${clock.now().toISOString()}; it only moves forward`, details: [] } } };
      }
      const now = await clock.advanceTo(target);
      return { status: 200, body: { now: now.toISOString() } };
    },
  };
}
