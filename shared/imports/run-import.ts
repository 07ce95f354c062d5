import { clock } from '../adapters/clock';
import { config } from '../adapters/config';
import { importIndex, importLease, imports } from '../adapters/dynamo/import-repository';
import { clients } from '../adapters/dynamo/repositories';
import { dropBucket } from '../adapters/drop-bucket';
import { logger } from '../adapters/logger';
import type { ImportRecord } from '../schemas/import';
import { waitForLease } from './client-lease';
import { FileImport } from './file-import';
import { handOver } from './hand-over';
import { isReportKey, resolveImportId } from './import-ids';
import { finish, markFailedByError, type ObjectRef, type RunOptions, type RunResult } from './import-outcome';

/**
 * The import use case: one object of the drop bucket (`<clientId>/<name>.csv`) -> its import
 * record, the client's lease, then the file's rows (FileImport). The same object's events replayed
 * find the same import and do nothing once it finished.
 */
export async function runImport(ref: ObjectRef, opts: RunOptions): Promise<RunResult> {
  if (isReportKey(ref.key)) return { outcome: 'ignored', reason: 'an import report' };
  const slash = ref.key.indexOf('/');
  if (slash <= 0) return { outcome: 'ignored', reason: 'not under a client folder (<clientId>/<name>.csv)' };
  const clientId = ref.key.slice(0, slash);
  const head = await dropBucket.head(ref.bucket, ref.key);
  if (!head) return { outcome: 'ignored', reason: 'the object no longer exists' };
  const etag = head.etag || ref.etag || '';

  const importId = await resolveImportId(ref.bucket, ref.key, clientId, etag);
  const now = clock().now().toISOString();
  const { record: stored, created } = await imports.createOrGet({
    importId,
    clientId,
    bucket: ref.bucket,
    key: ref.key,
    etag,
    status: 'processing',
    counts: { rows: 0, created: 0, merged: 0, duplicates: 0, rejected: 0 },
    errors: [],
    startedAt: now,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  let record = stored;
  if (record.status === 'completed' || (record.status === 'failed' && !record.resumable)) return { outcome: 'done', importId, status: record.status };
  try {
    return await importFrom(record, created, ref, opts, { clientId, etag, now, size: head.size });
  } catch (e) {
    // Said on the record before the error goes on to Lambda's retries and the failure queue.
    await markFailedByError(importId, e);
    throw e;
  }
}

async function importFrom(stored: ImportRecord, created: boolean, ref: ObjectRef, opts: RunOptions, object: { clientId: string; etag: string; now: string; size: number }): Promise<RunResult> {
  const { clientId, etag, now } = object;
  const { importId } = stored;
  let record = stored;
  // An invocation before this one got as far as processing (or failed on an error): it may have written rows past its checkpoint (or before the first).
  const resumed = !created && (record.status === 'processing' || record.status === 'failed');
  if (record.status === 'pending') record = await imports.save({ ...record, status: 'processing', etag, startedAt: now });
  if (record.status === 'failed') {
    const { failureReason: _r, resumable: _s, finishedAt: _f, ...rest } = record;
    record = await imports.save({ ...rest, status: 'processing' });
    logger.info('import resumes after a failure', { importId, fromRow: (record.checkpoint?.row ?? 0) + 1 });
  }
  if (!record.startedAt) record = await imports.save({ ...record, startedAt: now });

  if (!/\.csv$/i.test(ref.key)) {
    return finish(record, 'failed', { failureReason: `only .csv files are imported; "${ref.key.slice(clientId.length + 1)}" is not one. Save the file as CSV (UTF-8, comma-separated) and upload it as <name>.csv` });
  }
  const client = await clients.find(clientId);
  if (!client) {
    return finish(record, 'failed', { failureReason: `no client with id "${clientId}"; put files under the folder named by an existing clientId (see GET /clients)` });
  }

  // One writer per client: wait for another import of the same client to finish (or its lease
  // to lapse) as long as this invocation can, then hand the wait over to a new one.
  const lease = await waitForLease(clientId, importId, (wait) => opts.remainingMs() >= config().IMPORT_RESERVE_MS + wait);
  if (!lease.taken) {
    logger.info('client busy with another import; continuing later', { importId, holder: lease.holder, hop: opts.hop ?? 0 });
    await handOver({ bucket: ref.bucket, key: ref.key, etag, importId }, opts, `it waited for import ${lease.holder} of the same client, which holds the client's import lease`);
    return { outcome: 'continued', importId };
  }

  try {
    // Before the import's first index write. Only a fresh start can know everything it wrote: a
    // resumed or continued run comes after writes it has no record of, so it looks up every key.
    const fresh = !resumed && !record.checkpoint;
    const { empty } = await importIndex.beginWriting(clientId, importId, now, fresh);
    return await new FileImport(record, client, ref, etag, opts, resumed, fresh && empty ? object.size : undefined).run();
  } finally {
    await importLease.release(clientId, importId);
  }
}
