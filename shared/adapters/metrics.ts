import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names';

/** One Powertools metrics instance per process: EMF lines in namespace Recoup (disabled locally with POWERTOOLS_METRICS_DISABLED). */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/** Counts a message attempt by channel and outcome: MessagesSent, MessagesSkipped, MessagesFailed. */
export function countMessage(channel: string, outcome: 'sent' | 'skipped' | 'failed' | 'duplicate'): void {
  const name = { sent: 'MessagesSent', skipped: 'MessagesSkipped', failed: 'MessagesFailed', duplicate: 'MessagesDeduplicated' }[outcome];
  const m = metrics.singleMetric();
  m.addDimension('channel', channel);
  m.addMetric(name, MetricUnit.Count, 1);
}

/**
 * Counts the rows of an import chunk: RowsImported (rows that became or joined a case) and
 * RowsRejected (rows refused with a reason). Duplicates are neither. One line per chunk, not per row.
 */
export function countImportRows(imported: number, rejected: number): void {
  metrics.singleMetric().addMetric('RowsImported', MetricUnit.Count, imported);
  metrics.singleMetric().addMetric('RowsRejected', MetricUnit.Count, rejected);
}
