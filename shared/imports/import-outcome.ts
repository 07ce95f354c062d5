import { clock } from '../adapters/clock';
import { countImport } from '../adapters/dynamo/figure-counters';
import { imports } from '../adapters/dynamo/import-repository';
import { logger } from '../adapters/logger';
import type { ImportRecord } from '../schemas/import';

export interface ObjectRef {
  bucket: string;
  /** Decoded key, e.g. `cl_123/march.csv`. */
  key: string;
  /** Known from the event on a Put; looked up otherwise. */
  etag?: string;
}

export interface RunOptions {
  /** Milliseconds left in this invocation. */
  remainingMs: () => number;
  /** How many hand-overs came before this invocation in its chain (see hand-over.ts). */
  hop?: number;
  /** The function this invocation runs in (the Lambda context's), which a hand-over invokes again. */
  functionName?: string;
}

export type RunResult =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'done'; importId: string; status: ImportRecord['status'] }
  | { outcome: 'continued'; importId: string };

/** Ends an import: its final status (the checkpoint goes, the counts stay). */
export async function finish(record: ImportRecord, status: 'completed' | 'failed', extra: Partial<ImportRecord> = {}): Promise<RunResult> {
  const { checkpoint: _done, ...rest } = record;
  const finishedAt = clock().now().toISOString();
  await imports.save({ ...rest, ...extra, status, finishedAt });
  // Throughput from the record's own counts and timings, once its final status is written.
  if (status === 'completed') await countImport(record.counts?.rows ?? 0, record.startedAt ? Date.parse(finishedAt) - Date.parse(record.startedAt) : 0, finishedAt);
  logger.info('import finished', { importId: record.importId, status, counts: record.counts, lookups: record.lookups, failureReason: extra.failureReason });
  return { outcome: 'done', importId: record.importId, status };
}

/** How an import stopped by an error is resumed, on AWS and locally alike. */
const HOW_TO_RESUME =
  'It resumes from there when the import function is invoked again with the same event: Lambda retries a failed invocation twice, then the ImportFailures queue keeps the event; invoking the import function with that message\'s requestPayload (or uploading the same file again under the same name) resumes it.';

/**
 * An error stopped the import (a thrown error, a reset connection): its record says `failed`
 * with the reason and how to resume, and keeps its checkpoint, before the caller rethrows (so
 * Lambda's retries and the failure queue see the error). Best effort: when even this write
 * fails, the record stays `processing` and the original error is what the caller throws.
 */
export async function markFailedByError(importId: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const current = await imports.find(importId);
      if (!current || current.status !== 'processing') return;
      const done = current.checkpoint?.row ?? 0;
      const where = done > 0 ? `after data row ${done} (rows 1-${done} are imported)` : 'before its first rows were imported';
      await imports.save({ ...current, status: 'failed', resumable: true, failureReason: `the import stopped ${where} on an error: ${message}. ${HOW_TO_RESUME}`, finishedAt: clock().now().toISOString() });
      logger.error('import failed on an error; resumable from its checkpoint', { importId, row: done, error: message });
      return;
    } catch (e) {
      logger.warn('could not record the import as failed', { importId, attempt, error: (e as Error).message });
    }
  }
}
