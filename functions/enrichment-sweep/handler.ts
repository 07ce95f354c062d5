import { logger } from '../../shared/adapters/logger';
import { sweepEnrichment } from '../../shared/workflow/enrichment';

/** Daily (EventBridge schedule on AWS, a virtual-clock timer locally): skip-trace attempts due today; new contact data starts the retry workflow. */
export const handler = async () => {
  const report = await sweepEnrichment();
  logger.info('enrichment sweep', { ...report });
  return report;
};
