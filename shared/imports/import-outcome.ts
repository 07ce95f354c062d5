import { clock } from '../adapters/clock';
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
}

export type RunResult =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'done'; importId: string; status: ImportRecord['status'] }
  | { outcome: 'continued'; importId: string };

/** Ends an import: its final status (the checkpoint goes, the counts stay). */
export async function finish(record: ImportRecord, status: 'completed' | 'failed', extra: Partial<ImportRecord> = {}): Promise<RunResult> {
  const { checkpoint: _done, ...rest } = record;
  await imports.save({ ...rest, ...extra, status, finishedAt: clock().now().toISOString() });
  logger.info('import finished', { importId: record.importId, status, counts: record.counts, lookups: record.lookups, failureReason: extra.failureReason });
  return { outcome: 'done', importId: record.importId, status };
}
