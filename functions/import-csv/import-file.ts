import { createHash } from 'node:crypto';
import { parse, type Info } from 'csv-parse';
import { clock } from '../../shared/adapters/clock';
import { config } from '../../shared/adapters/config';
import { batchGet, batchPut, mapLimit } from '../../shared/adapters/dynamo/batch';
import { cases, timelineItem } from '../../shared/adapters/dynamo/case-repository';
import { importIndex, importLease, imports } from '../../shared/adapters/dynamo/import-repository';
import { keys as tableKeys, stripKeys } from '../../shared/adapters/dynamo/keys';
import { clients } from '../../shared/adapters/dynamo/repositories';
import { dropBucket } from '../../shared/adapters/drop-bucket';
import { continueInNewInvocation } from '../../shared/adapters/import-continuation';
import { logger } from '../../shared/adapters/logger';
import { countImportRows } from '../../shared/adapters/metrics';
import { sendStarts } from '../../shared/adapters/start-queue';
import { ERROR_REPORT_HEADER, FileFormatError, errorReportLine, parseRow, resolveHeader, type HeaderMap } from '../../shared/domain/csv-row';
import { invoiceAsOfChunk, keyAsOfChunk, normaliseInvoiceNumber, planChunk, type ChunkPlan, type ChunkRow, type KeyRecord, type RowOutcome } from '../../shared/domain/import-plan';
import { matchKeys } from '../../shared/domain/matching';
import { ConflictError } from '../../shared/errors';
import type { Case } from '../../shared/schemas/case';
import type { Client } from '../../shared/schemas/client';
import { csvRowSchema } from '../../shared/schemas/csv-row';
import type { ImportError, ImportRecord } from '../../shared/schemas/import';

/** How many errors the import record shows inline; all of them are in the report. */
const INLINE_ERRORS = 20;
/** A lease outlives a stalled chunk by a wide margin and is renewed after every chunk. */
const LEASE_TTL_MS = 5 * 60_000;
/** A single CSV record above this is refused (the whole file stops there; rows before it are kept). */
const MAX_RECORD_BYTES = 32 * 1024 * 1024;

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
  const { record: stored } = await imports.createOrGet({
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
    await new Promise((r) => setTimeout(r, wait));
  }

  try {
    return await new FileImport(record, client, ref, etag, opts).run();
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
  logger.info('import finished', { importId: record.importId, status, counts: record.counts, failureReason: extra.failureReason });
  return { outcome: 'done', importId: record.importId, status };
}

interface PendingChunk {
  firstRow: number;
  lastRow: number;
  /** Byte offset just after the chunk's last record. */
  endOffset: number;
  valid: ChunkRow[];
  rejected: RowOutcome[];
}

/**
 * One invocation's work on one import: stream from the checkpoint, parse, validate, plan and
 * write chunk by chunk, checkpoint after each, hand over to a new invocation when time runs low.
 */
class FileImport {
  private readonly chunkRows = config().IMPORT_CHUNK_ROWS;
  private readonly rowSchema;
  /** Rows up to here may have been written by an earlier, interrupted attempt (a crash mid-chunk). */
  private readonly recoverUpTo: number;
  private recovering: boolean;

  constructor(
    private record: ImportRecord,
    private readonly client: Client,
    private readonly ref: ObjectRef,
    private readonly etag: string,
    private readonly opts: RunOptions,
  ) {
    this.rowSchema = csvRowSchema(client.finances.currency);
    // Chunk sizes may differ between attempts, so look out for earlier writes over the largest chunk there can be.
    this.recoverUpTo = record.checkpoint ? record.checkpoint.row + 20_000 : 0;
    this.recovering = record.checkpoint !== undefined;
  }

  async run(): Promise<RunResult> {
    const cp = this.record.checkpoint;
    this.record = await imports.save({ ...this.record, checkpoint: cp ? { ...cp, invocations: cp.invocations + 1 } : undefined });
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
    // One chunk is written while the next is read and validated (CPU here, I/O there); never more.
    let inFlight: Promise<void> | undefined;
    const settle = async () => {
      const p = inFlight;
      inFlight = undefined;
      await p;
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
            parser.destroy();
            body.destroy();
            await continueInNewInvocation({ source: 'recoup.import', action: 'continue', bucket: this.ref.bucket, key: this.ref.key, etag: this.etag, importId: this.record.importId });
            logger.info('import continues in a new invocation', { importId: this.record.importId, row: this.record.checkpoint?.row });
            return { outcome: 'continued', importId: this.record.importId };
          }
          inFlight = this.commit(chunk, headerCells!);
          inFlight.catch(() => undefined); // awaited (and thrown) at the next settle()
          chunk = this.emptyChunk(row + 1, end);
        }
      }
      await settle();
    } catch (e) {
      // Never leave a write running behind us (the caller releases the client's lease next).
      try {
        await settle();
      } catch (commitError) {
        throw isCsvError(e) ? commitError : e;
      }
      if (!isCsvError(e)) throw e;
      // Rows before the broken record are good: keep them, then stop with the reason.
      if (header && chunk.lastRow >= chunk.firstRow) await this.commit(chunk, headerCells!);
      await this.writeReport();
      return finish(this.record, 'failed', {
        failureReason: `the CSV cannot be read after data row ${chunk.lastRow >= chunk.firstRow ? chunk.lastRow : row}: ${(e as Error).message}. Rows before it were imported; fix the file and upload it again (rows already imported count as duplicates).`,
      });
    }
    if (!header) return finish(this.record, 'failed', { failureReason: 'the file is empty; upload a CSV whose first row is the header' });
    if (chunk.lastRow >= chunk.firstRow) await this.commit(chunk, headerCells!);
    if (this.record.counts.rows === 0) {
      this.record = { ...this.record, errors: [{ row: 0, message: 'the file has a header but no data rows; nothing to import' }] };
    }
    await this.writeReport();
    return finish(this.record, 'completed');
  }

  private emptyChunk(firstRow: number, offset: number): PendingChunk {
    return { firstRow, lastRow: firstRow - 1, endOffset: offset, valid: [], rejected: [] };
  }

  /** Plans and writes one chunk (retrying it whole on a write conflict), then saves the checkpoint. */
  private async commit(chunk: PendingChunk, headerCells: string[]): Promise<void> {
    let plan: ChunkPlan | undefined;
    for (let attempt = 1; !plan; attempt++) {
      try {
        plan = await this.writeChunk(chunk, this.recovering || attempt > 1);
      } catch (e) {
        // Someone changed a case we merge into: re-read and re-plan the chunk (its writes are idempotent).
        if (!(e instanceof ConflictError) || attempt >= 5) throw e;
      }
    }
    this.recovering = chunk.lastRow < this.recoverUpTo;

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
    this.record = await imports.save({
      ...this.record,
      counts,
      errors,
      checkpoint: { row: chunk.lastRow, byteOffset: chunk.endOffset, header: headerCells, invocations: this.record.checkpoint?.invocations ?? 1 },
    });
    // After the checkpoint, so a replayed chunk is counted once (unless the process dies in between).
    countImportRows(counts.created + counts.merged - before.created - before.merged, counts.rejected - before.rejected);
    await importLease.acquire(this.client.clientId, this.record.importId, clock().now(), LEASE_TTL_MS);
  }

  private async writeChunk(chunk: PendingChunk, recovering: boolean): Promise<ChunkPlan> {
    const { clientId } = this.client;
    const { importId } = this.record;
    const imp = this.client.settings.import;
    const first = chunk.firstRow;
    const invoiceNumbers = [...new Set(chunk.valid.map((r) => normaliseInvoiceNumber(r.data.invoice.invoiceNumber)))];
    const wantedKeys = new Set<string>();
    const phoneMemo = new Map<string, string | undefined>();
    for (const r of chunk.valid) {
      // Computed once per row (the plan reuses them); a replayed chunk computes them again, the same.
      const k = (r.keys ??= matchKeys(r.data, { matchOnClientCaseNumber: imp.matchOnClientCaseNumber, defaultCountry: this.client.companyInfo.address.country, phoneMemo }));
      if (k.caseNumber) wantedKeys.add(k.caseNumber);
      for (const d of k.debtor) wantedKeys.add(d);
    }
    const [storedInvoices, storedKeys] = await Promise.all([importIndex.invoices(clientId, invoiceNumbers), importIndex.keys(clientId, [...wantedKeys])]);
    const invoices = new Map([...storedInvoices].flatMap(([n, r]) => {
      const seen = invoiceAsOfChunk(r, importId, first);
      return seen ? [[n, seen] as const] : [];
    }));
    const keyRecords = new Map<string, KeyRecord>();
    for (const [k, r] of storedKeys) {
      const seen = keyAsOfChunk(r, importId, first);
      if (seen) keyRecords.set(k, seen);
    }
    const caseIds = [...new Set([...keyRecords.values()].flatMap((r) => Object.values(r.cases)))];
    const caseItems = caseIds.length ? await batchGet(caseIds.map((id) => tableKeys.case(id))) : new Map();
    const openCases = new Map<string, Case>();
    for (const item of caseItems.values()) {
      const c = stripKeys<Case>(item);
      openCases.set(c.caseId, c);
    }

    const plan = planChunk({ importId, at: this.record.startedAt!, client: this.client, rows: chunk.valid, invoices, keys: keyRecords, cases: openCases });

    let newCases = plan.newCases;
    if (recovering && newCases.length) {
      // Cases an earlier attempt created may already be in use (a workflow started): keep them as they are.
      const existing = await batchGet(newCases.map((c) => tableKeys.case(c.caseId)), { projection: ['pk'] });
      newCases = newCases.filter((c) => !existing.has(tableKeys.case(c.caseId).pk));
    }
    const items: Record<string, unknown>[] = [
      ...newCases.map((c) => cases.toItem(c)),
      ...plan.events.map((e) => timelineItem(e.caseId, e.event, e.eventId)),
      ...[...plan.keys].map(([k, r]) => importIndex.keyItem(clientId, k, r)),
      ...[...plan.invoices].map(([n, r]) => importIndex.invoiceItem(clientId, n, r)),
    ];
    await Promise.all([
      batchPut(items),
      mapLimit(plan.mergedCases, 8, (m) => cases.replace(m.next)),
    ]);
    await sendStarts(plan.starts);
    return plan;
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
