import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, type Info } from 'csv-parse';
import { clock } from '../../shared/adapters/clock';
import { config } from '../../shared/adapters/config';
import { RequestLimiter, batchGet, batchPut, mapLimit } from '../../shared/adapters/dynamo/batch';
import { cases, timelineItem } from '../../shared/adapters/dynamo/case-repository';
import { importIndex, importLease, imports } from '../../shared/adapters/dynamo/import-repository';
import { keys as tableKeys } from '../../shared/adapters/dynamo/keys';
import { clients } from '../../shared/adapters/dynamo/repositories';
import { dropBucket } from '../../shared/adapters/drop-bucket';
import { continueInNewInvocation } from '../../shared/adapters/import-continuation';
import { logger } from '../../shared/adapters/logger';
import { countImportRows } from '../../shared/adapters/metrics';
import { sendStarts } from '../../shared/adapters/start-queue';
import { ERROR_REPORT_HEADER, FileFormatError, errorReportLine, parseRow, resolveHeader, type HeaderMap } from '../../shared/domain/csv-row';
import { BloomFilter } from '../../shared/domain/bloom-filter';
import { invoiceAsOfChunk, keyAsOfChunk, normaliseInvoiceNumber, planChunk, type ChunkPlan, type ChunkRow, type InvoiceRecord, type KeyRecord, type RowOutcome } from '../../shared/domain/import-plan';
import { matchKeys } from '../../shared/domain/matching';
import { ConflictError } from '../../shared/errors';
import type { Case } from '../../shared/schemas/case';
import type { Client } from '../../shared/schemas/client';
import { csvRowSchema } from '../../shared/schemas/csv-row';
import type { ImportError, ImportRecord } from '../../shared/schemas/import';

/** How many errors the import record shows inline; all of them are in the report. */
const INLINE_ERRORS = 20;
/** A lease outlives a stalled chunk by a wide margin; it is renewed after a chunk once a third of it is gone. */
const LEASE_TTL_MS = 5 * 60_000;
/** A single CSV record above this is refused (the whole file stops there; rows before it are kept). */
const MAX_RECORD_BYTES = 32 * 1024 * 1024;
/**
 * The first-import filter is sized from the object: about this many bytes a row (real files run
 * 100-200), about this many index keys a row (an invoice home and up to three match keys, most
 * debtors with more than one invoice), at most this many rows estimated (a larger file grows the
 * filter by layers), at most this much memory (past it the filter answers "maybe" for every key
 * and the import goes on with full lookups).
 */
const FILTER_BYTES_PER_ROW = 100;
const FILTER_KEYS_PER_ROW = 3;
const FILTER_MAX_ESTIMATED_ROWS = 2_000_000;
const FILTER_MAX_BYTES = 16 * 1024 * 1024;
const FILTER_FALSE_POSITIVE_RATE = 0.01;

const LOOKUP_MODES: Record<NonNullable<ImportRecord['lookups']>['mode'], string> = {
  'first-import': 'first import: lookups only for keys this import wrote',
  full: 'full lookups: every invoice number and match key is read',
  'first-import-then-full': 'first import, continued by a new invocation: full lookups from here on (the filter of written keys lived in the first invocation)',
};

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

/** Keys the importer never treats as uploads: its own reports. */
export function isReportKey(key: string): boolean {
  return key.startsWith('reports/');
}

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 20);
}

/** The import of one version of one object: the same event replayed finds the same import. */
export function importIdFor(bucket: string, key: string, etag: string): string {
  return `im_${digest(bucket, key, etag)}`;
}

const UPLOAD_NAME = /^(im_[0-9a-f]{20})\.csv$/;

export async function runImport(ref: ObjectRef, opts: RunOptions): Promise<RunResult> {
  if (isReportKey(ref.key)) return { outcome: 'ignored', reason: 'an import report' };
  const slash = ref.key.indexOf('/');
  if (slash <= 0) return { outcome: 'ignored', reason: 'not under a client folder (<clientId>/<name>.csv)' };
  const clientId = ref.key.slice(0, slash);
  const head = await dropBucket.head(ref.bucket, ref.key);
  if (!head) return { outcome: 'ignored', reason: 'the object no longer exists' };
  const etag = head.etag || ref.etag || '';

  const importId = await resolveImportId(ref, clientId, etag);
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
  if (record.status === 'completed' || record.status === 'failed') return { outcome: 'done', importId, status: record.status };
  // An invocation before this one got as far as processing: it may have written rows past its checkpoint (or before the first).
  const resumed = !created && record.status === 'processing';
  if (record.status === 'pending') record = await imports.save({ ...record, status: 'processing', etag, startedAt: now });
  if (!record.startedAt) record = await imports.save({ ...record, startedAt: now });

  if (!/\.csv$/i.test(ref.key)) {
    return finish(record, 'failed', { failureReason: `only .csv files are imported; "${ref.key.slice(slash + 1)}" is not one. Save the file as CSV (UTF-8, comma-separated) and upload it as <name>.csv` });
  }
  const client = await clients.find(clientId);
  if (!client) {
    return finish(record, 'failed', { failureReason: `no client with id "${clientId}"; put files under the folder named by an existing clientId (see GET /clients)` });
  }

  // One writer per client: wait for another import of the same client to finish (or its lease to lapse).
  for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
    const lease = await importLease.acquire(clientId, importId, clock().now(), LEASE_TTL_MS);
    if (lease.ok) break;
    if (opts.remainingMs() < config().IMPORT_RESERVE_MS + wait) {
      logger.info('client busy with another import; continuing later', { importId, holder: lease.holder });
      await continueInNewInvocation({ source: 'recoup.import', action: 'continue', bucket: ref.bucket, key: ref.key, etag, importId });
      return { outcome: 'continued', importId };
    }
    await sleep(wait);
  }

  try {
    // Before the import's first index write. Only a fresh start can know everything it wrote: a
    // resumed or continued run comes after writes it has no record of, so it looks up every key.
    const fresh = !resumed && !record.checkpoint;
    const { empty } = await importIndex.beginWriting(clientId, importId, now, fresh);
    return await new FileImport(record, client, ref, etag, opts, resumed, fresh && empty ? head.size : undefined).run();
  } finally {
    await importLease.release(clientId, importId);
  }
}

async function resolveImportId(ref: ObjectRef, clientId: string, etag: string): Promise<string> {
  const name = ref.key.slice(clientId.length + 1);
  const m = UPLOAD_NAME.exec(name);
  if (m) {
    const announced = await imports.find(m[1]!);
    if (announced && announced.clientId === clientId && announced.key === ref.key && (await imports.bindUpload(announced.importId, etag))) return announced.importId;
  }
  return importIdFor(ref.bucket, ref.key, etag);
}

async function finish(record: ImportRecord, status: 'completed' | 'failed', extra: Partial<ImportRecord> = {}): Promise<RunResult> {
  const { checkpoint: _done, ...rest } = record;
  await imports.save({ ...rest, ...extra, status, finishedAt: clock().now().toISOString() });
  logger.info('import finished', { importId: record.importId, status, counts: record.counts, lookups: record.lookups, failureReason: extra.failureReason });
  return { outcome: 'done', importId: record.importId, status };
}

interface PendingChunk {
  firstRow: number;
  lastRow: number;
  /** Byte offset just after the chunk's last record. */
  endOffset: number;
  valid: ChunkRow[];
  rejected: RowOutcome[];
  /** Index keys read for this chunk (every plan of it) and left out by the first-import filter. */
  lookups: { made: number; skipped: number };
}

/** What a chunk being written puts into the index and cases, as reads will answer once it is written. */
interface Overlay {
  invoices: ReadonlyMap<string, InvoiceRecord>;
  keys: ReadonlyMap<string, KeyRecord>;
  cases: ReadonlyMap<string, Case>;
}

/** A chunk whose writes have begun. */
interface Writing {
  /** Its plan as the next chunk's reads see it; absent when it may be written otherwise than planned (recovery). */
  overlay?: Overlay;
  /** Set when a conflict made it plan again: a plan made against its overlay is stale then. */
  replanned: boolean;
  /** Its writes, workflow starts and checkpoint. */
  done: Promise<void>;
}

/** What the next chunk's reads will find once the chunk of `plan` is written. */
function overlayOf(plan: ChunkPlan): Overlay {
  const written = new Map<string, Case>();
  for (const c of plan.newCases) written.set(c.caseId, c);
  // cases.replace stores the version after the one it expects.
  for (const m of plan.mergedCases) written.set(m.caseId, { ...m.next, version: m.next.version + 1 });
  return { invoices: plan.placed, keys: plan.keys, cases: written };
}

/**
 * One invocation's work on one import: stream from the checkpoint, parse, validate, plan and
 * write chunk by chunk, checkpoint after each, hand over to a new invocation when time runs low.
 *
 * Three chunks are under way at once, on both cores of a local machine and without idle gaps in
 * DynamoDB: chunk N is written while chunk N+1 is read from the table and planned and chunk N+2
 * is parsed and validated. Chunk N+1's plan must see what chunk N writes: whatever chunk N
 * writes is known from its plan (`Overlay`) and answered from there, without a read; anything
 * else chunk N does not touch, so a read of it during N's writes answers as after them. Chunk
 * N+1's writes begin only once chunk N is written and checkpointed, so at most one chunk is
 * written beyond the checkpoint, as crash recovery assumes.
 */
class FileImport {
  private readonly chunkRows = config().IMPORT_CHUNK_ROWS;
  /** All of this import's DynamoDB batch requests (reads of one chunk, writes of another) share one cap. */
  private readonly limiter = new RequestLimiter(config().IMPORT_WRITE_CONCURRENCY);
  private readonly rowSchema;
  /** Rows up to here may have been written by an earlier, interrupted attempt (a crash mid-chunk). */
  private readonly recoverUpTo: number;
  /** The chunk being written, if any. */
  private writing: Writing | undefined;
  private leaseRenewedAt = clock().now().getTime();
  /**
   * First import only: every index key this import has planned to write (`i:<invoice number>`,
   * `k:<match key>`). The client's index was empty when the import began and the lease keeps
   * other writers out, so a key the filter has never seen is not in the table: it is not read.
   */
  private readonly written: BloomFilter | undefined;
  /** Keys the filter let through that the table did not have: its false positives. */
  private filterMisses = 0;

  constructor(
    private record: ImportRecord,
    private readonly client: Client,
    private readonly ref: ObjectRef,
    private readonly etag: string,
    private readonly opts: RunOptions,
    /** An earlier invocation worked on this import and may have written rows past its checkpoint. */
    resumed: boolean,
    /** Set (the object's size in bytes) when this is a first import: the client's index was empty and nothing was written before. */
    firstImportBytes?: number,
  ) {
    this.rowSchema = csvRowSchema(client.finances.currency);
    if (firstImportBytes !== undefined) {
      const rows = Math.min(FILTER_MAX_ESTIMATED_ROWS, Math.ceil(firstImportBytes / FILTER_BYTES_PER_ROW));
      this.written = new BloomFilter({ expectedKeys: rows * FILTER_KEYS_PER_ROW, falsePositiveRate: FILTER_FALSE_POSITIVE_RATE, maxBytes: FILTER_MAX_BYTES });
    }
    // Chunk sizes may differ between attempts, so look out for earlier writes over the largest chunk there can be.
    this.recoverUpTo = resumed ? (record.checkpoint?.row ?? 0) + 20_000 : 0;
  }

  async run(): Promise<RunResult> {
    const cp = this.record.checkpoint;
    const before = this.record.lookups;
    const mode = this.written ? 'first-import' : before && before.mode !== 'full' ? 'first-import-then-full' : 'full';
    this.record = await imports.save({
      ...this.record,
      checkpoint: cp ? { ...cp, invocations: cp.invocations + 1 } : undefined,
      lookups: { mode, made: before?.made ?? 0, skipped: before?.skipped ?? 0 },
    });
    logger.info(LOOKUP_MODES[mode], { importId: this.record.importId, lookupMode: mode, fromRow: (cp?.row ?? 0) + 1 });
    let header: HeaderMap | undefined = cp ? resolveHeader(cp.header, this.client.settings.import.columnMap) : undefined;
    let headerCells = cp?.header;
    let offset = cp?.byteOffset ?? 0;
    let row = cp?.row ?? 0;
    const body = await dropBucket.stream(this.ref.bucket, this.ref.key, this.etag, offset);
    const parser = parse({
      bom: offset === 0,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_BYTES,
    });
    body.on('error', (e) => parser.destroy(e));
    body.pipe(parser);

    let chunk = this.emptyChunk(row + 1, offset);
    // The last chunk handed over: resolves once it is planned and its writes have begun.
    let launched: Promise<void> | undefined;
    const settle = async () => {
      const p = launched;
      launched = undefined;
      await p;
    };
    /** Everything handed over is written and checkpointed. */
    const drain = async () => {
      await settle();
      await this.writing?.done;
    };
    try {
      for await (const { record: cells, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
        const end = offset + info.bytes;
        if (!header) {
          headerCells = cells;
          try {
            header = resolveHeader(cells, this.client.settings.import.columnMap);
          } catch (e) {
            if (e instanceof FileFormatError) return finish(this.record, 'failed', { failureReason: `${e.message}. Nothing was imported.` });
            throw e;
          }
          if (header.unknown.length) this.record = { ...this.record, unknownColumns: header.unknown };
          chunk = this.emptyChunk(1, end);
          continue;
        }
        row++;
        const result = parseRow(cells, header, row, this.rowSchema);
        if (result.ok) chunk.valid.push({ row, data: result.row });
        else chunk.rejected.push({ row, outcome: 'rejected', errors: result.errors });
        chunk.lastRow = row;
        chunk.endOffset = end;
        if (chunk.valid.length + chunk.rejected.length >= this.chunkRows) {
          await settle();
          if (this.opts.remainingMs() < config().IMPORT_RESERVE_MS) {
            // The chunk just read is not written: the next invocation reads it again from the checkpoint.
            await drain();
            parser.destroy();
            body.destroy();
            await continueInNewInvocation({ source: 'recoup.import', action: 'continue', bucket: this.ref.bucket, key: this.ref.key, etag: this.etag, importId: this.record.importId });
            logger.info('import continues in a new invocation', { importId: this.record.importId, row: this.record.checkpoint?.row });
            return { outcome: 'continued', importId: this.record.importId };
          }
          launched = this.launch(chunk, headerCells!);
          launched.catch(() => undefined); // awaited (and thrown) at the next settle()
          chunk = this.emptyChunk(row + 1, end);
        }
      }
      await settle();
    } catch (e) {
      // Never leave a write running behind us (the caller releases the client's lease next).
      try {
        await drain();
      } catch (commitError) {
        throw isCsvError(e) ? commitError : e;
      }
      if (!isCsvError(e)) throw e;
      // Rows before the broken record are good: keep them, then stop with the reason.
      if (header && chunk.lastRow >= chunk.firstRow) {
        await this.launch(chunk, headerCells!);
        await drain();
      }
      await this.writeReport();
      return finish(this.record, 'failed', {
        failureReason: `the CSV cannot be read after data row ${chunk.lastRow >= chunk.firstRow ? chunk.lastRow : row}: ${(e as Error).message}. Rows before it were imported; fix the file and upload it again (rows already imported count as duplicates).`,
      });
    }
    if (!header) return finish(this.record, 'failed', { failureReason: 'the file is empty; upload a CSV whose first row is the header' });
    if (chunk.lastRow >= chunk.firstRow) await this.launch(chunk, headerCells!);
    await drain();
    if (this.written) {
      const { made, skipped } = this.record.lookups!;
      logger.info('first-import lookups', { importId: this.record.importId, made, skipped, falsePositives: this.filterMisses, filterBytes: this.written.sizeBytes, filterGaveUp: !this.written.useful });
    }
    if (this.record.counts.rows === 0) {
      this.record = { ...this.record, errors: [{ row: 0, message: 'the file has a header but no data rows; nothing to import' }] };
    }
    await this.writeReport();
    return finish(this.record, 'completed');
  }

  private emptyChunk(firstRow: number, offset: number): PendingChunk {
    return { firstRow, lastRow: firstRow - 1, endOffset: offset, valid: [], rejected: [], lookups: { made: 0, skipped: 0 } };
  }

  /** A chunk an earlier attempt may have written part of: its new cases are checked before they are written. */
  private recovering(chunk: PendingChunk): boolean {
    return chunk.firstRow <= this.recoverUpTo;
  }

  /**
   * Plans a chunk (its reads may overlap the previous chunk's writes) and begins its writes once
   * the previous chunk is written and checkpointed. Resolves when its writes have begun.
   */
  private async launch(chunk: PendingChunk, headerCells: string[]): Promise<void> {
    const previous = this.writing;
    const recovering = this.recovering(chunk);
    // A chunk that may be written otherwise than planned cannot answer for itself: wait for it.
    if (previous && (recovering || !previous.overlay)) await previous.done;
    let plan = await this.prepare(chunk, recovering ? undefined : previous?.overlay);
    await previous?.done;
    if (previous?.replanned) plan = await this.prepare(chunk, undefined);
    const writing: Writing = { overlay: recovering ? undefined : overlayOf(plan), replanned: false, done: Promise.resolve() };
    writing.done = this.write(chunk, plan, recovering, writing, headerCells);
    writing.done.catch(() => undefined); // awaited (and thrown) by the next chunk's launch or at the end
    this.writing = writing;
  }

  /** Writes a planned chunk (planning it again on a write conflict), then saves the checkpoint. */
  private async write(chunk: PendingChunk, plan: ChunkPlan, recovering: boolean, writing: Writing, headerCells: string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writePlan(plan, recovering || attempt > 1);
        break;
      } catch (e) {
        // Someone changed a case we merge into: re-read and re-plan the chunk (its writes are idempotent).
        if (!(e instanceof ConflictError) || attempt >= 5) throw e;
        logger.warn('a case changed while its chunk was written; planning the chunk again', { importId: this.record.importId, firstRow: chunk.firstRow, attempt });
        writing.replanned = true;
        plan = await this.prepare(chunk, undefined);
      }
    }
    await this.checkpoint(chunk, plan, headerCells);
  }

  private async checkpoint(chunk: PendingChunk, plan: ChunkPlan, headerCells: string[]): Promise<void> {
    const outcomes = [...plan.outcomes, ...chunk.rejected].sort((a, b) => a.row - b.row);
    const counts = { ...this.record.counts };
    const errors: ImportError[] = [...this.record.errors];
    let report = '';
    for (const o of outcomes) {
      counts.rows++;
      if (o.outcome === 'created') counts.created++;
      else if (o.outcome === 'merged') counts.merged++;
      else if (o.outcome === 'duplicate') {
        counts.duplicates++;
        report += errorReportLine({ row: o.row, outcome: 'duplicate', column: 'invoice_number', message: `invoice ${o.invoiceNumber} was imported before (case ${o.caseId}); not added again`, value: o.invoiceNumber });
      } else if (o.outcome === 'rejected') {
        counts.rejected++;
        for (const err of o.errors) {
          if (errors.length < INLINE_ERRORS) errors.push(err);
          report += errorReportLine({ ...err, outcome: 'rejected' });
        }
      }
    }
    if (report) await dropBucket.putText(this.ref.bucket, reportPartKey(this.record.importId, chunk.firstRow), report);
    const before = this.record.counts;
    const lookups = this.record.lookups ?? { mode: 'full', made: 0, skipped: 0 };
    this.record = await imports.save({
      ...this.record,
      counts,
      errors,
      lookups: { ...lookups, made: lookups.made + chunk.lookups.made, skipped: lookups.skipped + chunk.lookups.skipped },
      checkpoint: { row: chunk.lastRow, byteOffset: chunk.endOffset, header: headerCells, invocations: this.record.checkpoint?.invocations ?? 1 },
    });
    // After the checkpoint, so a replayed chunk is counted once (unless the process dies in between).
    countImportRows(counts.created + counts.merged - before.created - before.merged, counts.rejected - before.rejected);
    // Renewed once a third of its life is gone, not per chunk: a chunk takes about a second.
    const now = clock().now();
    if (now.getTime() - this.leaseRenewedAt >= LEASE_TTL_MS / 3) {
      await importLease.acquire(this.client.clientId, this.record.importId, now, LEASE_TTL_MS);
      this.leaseRenewedAt = now.getTime();
    }
  }

  /**
   * Reads what the table knows about a chunk's invoice numbers, match keys and the open cases
   * they point at, and plans the chunk. `overlay` is the chunk being written meanwhile: what it
   * writes is taken from it and not read.
   */
  private async prepare(chunk: PendingChunk, overlay: Overlay | undefined): Promise<ChunkPlan> {
    const { clientId } = this.client;
    const { importId } = this.record;
    const imp = this.client.settings.import;
    const first = chunk.firstRow;
    const batch = { limiter: this.limiter };
    const invoiceNumbers = [...new Set(chunk.valid.map((r) => normaliseInvoiceNumber(r.data.invoice.invoiceNumber)))];
    const wantedKeys = new Set<string>();
    const phoneMemo = new Map<string, string | undefined>();
    for (const r of chunk.valid) {
      // Computed once per row (the plan reuses them); a replayed chunk computes them again, the same.
      const k = (r.keys ??= matchKeys(r.data, { matchOnClientCaseNumber: imp.matchOnClientCaseNumber, defaultCountry: this.client.companyInfo.address.country, phoneMemo }));
      if (k.caseNumber) wantedKeys.add(k.caseNumber);
      for (const d of k.debtor) wantedKeys.add(d);
    }
    // What the chunk being written will hold is answered by its plan; on a first import, a key
    // this import never planned to write is not in the table (see `written`).
    const filter = this.written;
    const unanswered = {
      invoices: overlay ? invoiceNumbers.filter((n) => !overlay.invoices.has(n)) : invoiceNumbers,
      keys: overlay ? [...wantedKeys].filter((k) => !overlay.keys.has(k)) : [...wantedKeys],
    };
    const read = filter
      ? { invoices: unanswered.invoices.filter((n) => filter.mayContain(`i:${n}`)), keys: unanswered.keys.filter((k) => filter.mayContain(`k:${k}`)) }
      : unanswered;
    const [storedInvoices, storedKeys] = await Promise.all([importIndex.invoices(clientId, read.invoices, batch), importIndex.keys(clientId, read.keys, batch)]);
    chunk.lookups.made += read.invoices.length + read.keys.length;
    chunk.lookups.skipped += unanswered.invoices.length - read.invoices.length + unanswered.keys.length - read.keys.length;
    if (filter) this.filterMisses += read.invoices.length - storedInvoices.size + read.keys.length - storedKeys.size;
    const invoices = new Map<string, InvoiceRecord>();
    for (const n of invoiceNumbers) {
      const seen = invoiceAsOfChunk(overlay?.invoices.get(n) ?? storedInvoices.get(n), importId, first);
      if (seen) invoices.set(n, seen);
    }
    const keyRecords = new Map<string, KeyRecord>();
    for (const k of wantedKeys) {
      const seen = keyAsOfChunk(overlay?.keys.get(k) ?? storedKeys.get(k), importId, first);
      if (seen) keyRecords.set(k, seen);
    }
    const openCases = new Map<string, Case>();
    const toRead: string[] = [];
    for (const id of new Set([...keyRecords.values()].flatMap((r) => Object.values(r.cases)))) {
      const known = overlay?.cases.get(id);
      if (known) openCases.set(id, known);
      else toRead.push(id);
    }
    for (const [id, c] of await cases.findMany(toRead, batch)) openCases.set(id, c);
    const plan = planChunk({ importId, at: this.record.startedAt!, client: this.client, rows: chunk.valid, invoices, keys: keyRecords, cases: openCases });
    // Before this chunk's writes begin and before the next chunk is planned: from now on its keys
    // may be in the table. A plan made again (a conflict) adds its keys too; extra keys only cost lookups.
    if (filter) {
      for (const n of plan.placed.keys()) filter.add(`i:${n}`);
      for (const k of plan.keys.keys()) filter.add(`k:${k}`);
    }
    return plan;
  }

  private async writePlan(plan: ChunkPlan, recovering: boolean): Promise<void> {
    const { clientId } = this.client;
    let newCases = plan.newCases;
    if (recovering && newCases.length) {
      // Cases an earlier attempt created may already be in use (a workflow started): keep them as they are.
      const existing = await batchGet(newCases.map((c) => tableKeys.case(c.caseId)), { projection: ['pk'], limiter: this.limiter });
      newCases = newCases.filter((c) => !existing.has(tableKeys.case(c.caseId).pk));
    }
    const items: Record<string, unknown>[] = [
      ...newCases.map((c) => cases.toItem(c)),
      ...plan.events.map((e) => timelineItem(e.caseId, e.event, e.eventId)),
      ...[...plan.keys].map(([k, r]) => importIndex.keyItem(clientId, k, r)),
      ...[...plan.invoices].map(([n, r]) => importIndex.invoiceItem(clientId, n, r)),
    ];
    await Promise.all([
      batchPut(items, { limiter: this.limiter }),
      mapLimit(plan.mergedCases, this.limiter.max, (m) => this.limiter.run(() => cases.replace(m.next))),
    ]);
    await sendStarts(plan.starts);
  }

  /** Joins the chunk reports into `reports/<importId>-errors.csv` (streamed part by part, never whole in memory). */
  private async writeReport(): Promise<void> {
    const prefix = `reports/${this.record.importId}/`;
    const parts = await dropBucket.list(this.ref.bucket, prefix);
    if (parts.length === 0) return;
    const reportKey = `reports/${this.record.importId}-errors.csv`;
    await dropBucket.concat(this.ref.bucket, reportKey, ERROR_REPORT_HEADER, parts);
    await dropBucket.deleteMany(this.ref.bucket, parts);
    this.record = { ...this.record, reportKey };
  }
}

/** Chunk reports sort by first row; `.part` keeps them out of a `.csv` notification filter. */
function reportPartKey(importId: string, firstRow: number): string {
  return `reports/${importId}/${String(firstRow).padStart(10, '0')}.part`;
}

function isCsvError(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return e instanceof Error && (e.name === 'CsvError' || (typeof code === 'string' && code.startsWith('CSV_')));
}
