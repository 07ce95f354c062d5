import { imports } from '../adapters/dynamo/import-repository';
import { countImportRows } from '../adapters/metrics';
import type { ChunkPlan } from '../domain/import-plan';
import type { ImportError, ImportRecord } from '../schemas/import';
import { putReportPart, reportLines } from './error-report';
import type { PendingChunk } from './pending-chunk';

/** How many errors the import record shows inline; all of them are in the report. */
const INLINE_ERRORS = 20;

/**
 * After a chunk is written: its report part, then the import record with the chunk counted and
 * the checkpoint moved just past it (the last row done, the byte offset after it, the header), so
 * a new invocation or a re-run after a crash goes on from there. Returns the saved record.
 */
export async function saveCheckpoint(record: ImportRecord, bucket: string, chunk: PendingChunk, plan: ChunkPlan, headerCells: string[]): Promise<ImportRecord> {
  const outcomes = [...plan.outcomes, ...chunk.rejected].sort((a, b) => a.row - b.row);
  const counts = { ...record.counts };
  const errors: ImportError[] = [...record.errors];
  for (const o of outcomes) {
    counts.rows++;
    if (o.outcome === 'created') counts.created++;
    else if (o.outcome === 'merged') counts.merged++;
    else if (o.outcome === 'duplicate') counts.duplicates++;
    else if (o.outcome === 'rejected') {
      counts.rejected++;
      for (const err of o.errors) if (errors.length < INLINE_ERRORS) errors.push(err);
    }
  }
  const report = reportLines(outcomes);
  if (report) await putReportPart(bucket, record.importId, chunk.firstRow, report);
  const before = record.counts;
  const lookups = record.lookups ?? { mode: 'full', made: 0, skipped: 0 };
  const saved = await imports.save({
    ...record,
    counts,
    errors,
    lookups: { ...lookups, made: lookups.made + chunk.lookups.made, skipped: lookups.skipped + chunk.lookups.skipped },
    checkpoint: { row: chunk.lastRow, byteOffset: chunk.endOffset, header: headerCells, invocations: record.checkpoint?.invocations ?? 1 },
  });
  // After the checkpoint, so a replayed chunk is counted once (unless the process dies in between).
  countImportRows(counts.created + counts.merged - before.created - before.merged, counts.rejected - before.rejected);
  return saved;
}
