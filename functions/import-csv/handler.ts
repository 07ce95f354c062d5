/**
 * Import handler: an S3 ObjectCreated event for `<clientId>/<name>.csv` in the drop bucket
 * (or this function's own continuation event) -> cases in DynamoDB + one queued workflow start
 * per new case.
 *
 * How a 1M-row file finishes although one Lambda invocation lasts at most 15 minutes:
 * checkpoint and continue, not byte-range fan-out.
 * - The file is streamed (GetObject, pinned to the object's ETag) through csv-parse and handled
 *   in chunks of IMPORT_CHUNK_ROWS rows (the use case is in shared/imports/): one BatchGet round for the chunk's invoice numbers and
 *   match keys, a pure plan (shared/domain/import-plan.ts), then BatchWrites of 25
 *   (UnprocessedItems retried with backoff). Three chunks are under way at once: chunk N is
 *   written while chunk N+1 is read from the table and planned (what chunk N writes is taken
 *   from its plan, not read) and chunk N+2 is parsed and validated; all DynamoDB batch requests
 *   of the import share IMPORT_WRITE_CONCURRENCY places in flight. Memory holds those three
 *   chunks, never the file.
 * - After each chunk the import record stores a checkpoint: the last row done and the byte offset
 *   just after it, plus the header. A chunk's writes begin only after the previous chunk's
 *   checkpoint is saved, so at most one chunk is ever written past the checkpoint. When less
 *   than IMPORT_RESERVE_MS is left, the function invokes itself asynchronously with a
 *   continuation event and returns; the next invocation reads the object from that offset (a
 *   ranged GET) and goes on. At a few thousand rows a second a 1M-row file needs a handful of
 *   invocations at most.
 * - Waiting for the client's lease (another import of the client is writing) uses the same hand-over.
 *   The chain of self-invocations is bounded (shared/imports/hand-over.ts) below Lambda's recursive
 *   loop stop; past it the import is recorded failed and resumable, and the error goes to Lambda's
 *   retries and then the ImportFailures queue, whose message resumes it.
 * - A crash anywhere (timeout, out of memory, a killed process) loses at most the chunk in
 *   flight: the S3 event's retry, or a re-run, resumes from the checkpoint, and the replayed
 *   chunk is planned exactly as before (case ids derived from client and first invoice number,
 *   debtor ids from import and row, index items carrying who wrote them and their previous
 *   value), so every row lands exactly once.
 * A client's first import (its first, usually largest, onboarding file) skips the lookups it
 * cannot need. When the import starts with the client's index empty (no `IMPORT-INDEX` marker,
 * which every import writes after taking the lease and before its first index write, and no case
 * in the client's case list, which covers data from before the marker) and it is not a resume,
 * no key can be in the table but the ones this import writes itself. It keeps a Bloom filter of
 * every invoice number and match key it has planned to write and reads only keys the filter may
 * hold (no false negatives; a false positive costs one lookup). The filter lives in memory: a
 * continuation or a crash-resume goes on with full lookups (correct, slower). The import record's
 * `lookups` says which mode ran and how many lookups were made and skipped.
 * Why not fan out by byte ranges: rows of one debtor anywhere in the file combine into one
 * case and an invoice number may repeat anywhere, so chunks of one client must be planned in
 * order against what earlier chunks wrote; BatchWriteItem has no conditions, so a per-client
 * lease keeps one writer per client; and a byte split can land inside a quoted field with an
 * embedded newline, which only a parse from the start can tell. Parallelism is inside a chunk
 * (concurrent batches) and across clients (separate imports).
 *
 * The same event replayed (S3 delivers at least once) resolves to the same import id
 * (bucket, key, ETag), finds the import completed and does nothing.
 */
import type { Context, S3Event } from 'aws-lambda';
import { isContinueEvent, type ContinueImportEvent } from '../../shared/adapters/import-continuation';
import { logger } from '../../shared/adapters/logger';
import { runImport } from '../../shared/imports/run-import';
import type { RunResult } from '../../shared/imports/import-outcome';

export async function handler(event: S3Event | ContinueImportEvent, context: Pick<Context, 'getRemainingTimeInMillis'> & { functionName?: string }): Promise<RunResult[]> {
  const remainingMs = () => context.getRemainingTimeInMillis();
  if (isContinueEvent(event)) return [await runImport({ bucket: event.bucket, key: event.key, etag: event.etag }, { remainingMs, hop: event.hop ?? 0, functionName: context.functionName })];
  const results: RunResult[] = [];
  for (const record of event.Records ?? []) {
    if (!record.eventName?.startsWith('ObjectCreated:')) continue;
    // S3 URL-encodes keys in notifications, with '+' for spaces.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const result = await runImport({ bucket: record.s3.bucket.name, key, etag: record.s3.object.eTag }, { remainingMs, functionName: context.functionName });
    if (result.outcome === 'ignored') logger.info('object ignored', { key, reason: result.reason });
    results.push(result);
  }
  return results;
}
