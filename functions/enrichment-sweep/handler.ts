import type { Context } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { sweepEnrichment } from '../../shared/workflow/enrichment';

/**
 * Kept free of the invocation's time at the budget's end: the chunk in flight (100 lookups, 16
 * at a time, each up to the provider's 20 s timeout) finishes inside it.
 */
const RESERVE_MS = 180_000;

/**
 * Skip-trace attempts due today; new contact data starts the retry workflow. Runs on a schedule
 * (EventBridge on AWS, a virtual-clock timer locally) several times each morning: the first run
 * does the day, and one that runs out of its time budget leaves the rest for the next run.
 */
export const handler = async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const report = await sweepEnrichment({ deadline: Date.now() + context.getRemainingTimeInMillis() - RESERVE_MS });
  logger.info('enrichment sweep', { ...report });
  return report;
};
