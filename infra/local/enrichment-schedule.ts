import type { LocalPlugin } from './plugins';

/** When the daily sweep runs (UTC hour), as the EventBridge schedule does on AWS. */
const SWEEP_HOUR_UTC = 6;

/**
 * The EventBridge schedule of the enrichment sweep, locally: a timer on the virtual clock that
 * calls the same handler once a day, so advancing virtual time runs every sweep due on the way.
 */
export const enrichmentSchedulePlugin: LocalPlugin = {
  name: 'enrichment-schedule',
  async start(ctx) {
    let stopped = false;
    const loop = async () => {
      const { handler } = (await import('../../functions/enrichment-sweep/handler')) as { handler: () => Promise<unknown> };
      for (;;) {
        const now = ctx.clock.now();
        let next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), SWEEP_HOUR_UTC);
        if (next <= now.getTime()) next += 86_400_000;
        await ctx.clock.park(new Date(next));
        if (stopped) return;
        await handler().catch((e: unknown) => ctx.log(`enrichment sweep failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    };
    void ctx.clock.track(loop);
    return {
      stop: async () => {
        stopped = true;
      },
    };
  },
};
