import type { LocalPlugin } from './plugins';
import { stepFunctionsPlugin } from './step-functions/plugin';
import { outboxPlugin } from './outbox/plugin';
import { enrichmentSchedulePlugin } from './enrichment-schedule';
import { importsPlugin } from './imports-plugin';

/** Capabilities wired into the local runtime, in start order. */
export const LOCAL_PLUGINS: LocalPlugin[] = [outboxPlugin, stepFunctionsPlugin, importsPlugin, enrichmentSchedulePlugin];
