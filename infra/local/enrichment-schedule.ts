import { needsOf } from '../function-catalog';
import { localLambdaContext } from './lambda-context';
import type { LocalPlugin } from './plugins';

/**
 * The UTC hours a daily `cron(M H * * ? *)` or `cron(M H1-H2 * * ? *)` expression fires at, as
 * minutes after midnight. The local schedule runs what the stack deploys, so any other form is
 * refused here rather than run at a guessed time.
 */
export function dailyCronMinutes(expression: string): number[] {
  const m = /^cron\((\d{1,2}) (\d{1,2})(?:-(\d{1,2}))? \* \* \? \*\)$/.exec(expression);
  if (!m) throw new Error(`the local schedule understands daily cron(M H * * ? *) or cron(M H1-H2 * * ? *) only, not ${expression}`);
  const [minute, from, to] = [Number(m[1]), Number(m[2]), Number(m[3] ?? m[2])];
  return Array.from({ length: to - from + 1 }, (_, i) => (from + i) * 60 + minute);
}

/** The first instant after `now` at one of the day's minutes. */
export function nextRun(now: Date, minutes: readonly number[]): Date {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (const day of [0, 1]) {
    for (const m of minutes) {
      const at = midnight + day * 86_400_000 + m * 60_000;
      if (at > now.getTime()) return new Date(at);
    }
  }
  throw new Error('a daily schedule always has a next run');
}

const FOLDER = 'enrichment-sweep';

/**
 * The EventBridge schedule of the enrichment sweep, locally: a timer on the virtual clock that
 * calls the same handler at the catalog's schedule, so advancing virtual time runs every sweep
 * due on the way.
 */
export const enrichmentSchedulePlugin: LocalPlugin = {
  name: 'enrichment-schedule',
  async start(ctx) {
    const needs = needsOf(FOLDER);
    const minutes = dailyCronMinutes(needs.schedule ?? '');
    let stopped = false;
    const loop = async () => {
      for (;;) {
        await ctx.clock.park(nextRun(ctx.clock.now(), minutes));
        if (stopped) return;
        const handler = await ctx.functions.handler(FOLDER);
        await handler({}, localLambdaContext(FOLDER, (needs.timeoutSeconds ?? 30) * 1000, 'schedule')).catch((e: unknown) => ctx.log(`enrichment sweep failed: ${e instanceof Error ? e.message : String(e)}`));
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
