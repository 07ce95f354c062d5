import { dropBucket } from '../adapters/drop-bucket';
import { ERROR_REPORT_HEADER, errorReportLine } from '../domain/csv-row';
import type { RowOutcome } from '../domain/import-plan';

/**
 * The import's error report: each chunk puts the lines of its duplicates and rejected rows in a
 * part of its own (`reports/<importId>/<first row>.part`); the end of the import joins them into
 * `reports/<importId>-errors.csv`, streamed part by part, never whole in memory.
 */

/** The report lines of a chunk's outcomes (in row order); empty when every row went in. */
export function reportLines(outcomes: readonly RowOutcome[]): string {
  let report = '';
  for (const o of outcomes) {
    if (o.outcome === 'duplicate') {
      report += errorReportLine({ row: o.row, outcome: 'duplicate', column: 'invoice_number', message: `invoice ${o.invoiceNumber} was imported before (case ${o.caseId}); not added again`, value: o.invoiceNumber });
    } else if (o.outcome === 'rejected') {
      for (const err of o.errors) report += errorReportLine({ ...err, outcome: 'rejected' });
    }
  }
  return report;
}

/** Chunk reports sort by first row; `.part` keeps them out of a `.csv` notification filter. */
function reportPartKey(importId: string, firstRow: number): string {
  return `reports/${importId}/${String(firstRow).padStart(10, '0')}.part`;
}

export async function putReportPart(bucket: string, importId: string, firstRow: number, lines: string): Promise<void> {
  await dropBucket.putText(bucket, reportPartKey(importId, firstRow), lines);
}

/** Joins the parts into the report and removes them; the report's key, or undefined when there was nothing to report. */
export async function joinReport(bucket: string, importId: string): Promise<string | undefined> {
  const parts = await dropBucket.list(bucket, `reports/${importId}/`);
  if (parts.length === 0) return undefined;
  const reportKey = `reports/${importId}-errors.csv`;
  await dropBucket.concat(bucket, reportKey, ERROR_REPORT_HEADER, parts);
  await dropBucket.deleteMany(bucket, parts);
  return reportKey;
}
