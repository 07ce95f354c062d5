import { config } from '../adapters/config';
import { RequestLimiter } from '../adapters/dynamo/batch';
import { imports } from '../adapters/dynamo/import-repository';
import { logger } from '../adapters/logger';
import { FileFormatError, parseRow, resolveHeader, type HeaderMap } from '../domain/csv-row';
import type { Client } from '../schemas/client';
import { csvRowSchema } from '../schemas/csv-row';
import type { ImportRecord } from '../schemas/import';
import { ChunkPipeline } from './chunk-pipeline';
import { ChunkPlanner } from './chunk-planner';
import { writeChunkPlan } from './chunk-writer';
import { saveCheckpoint } from './checkpoint';
import { LeaseRenewal } from './client-lease';
import { isCsvError, openCsvRecords } from './csv-records';
import { joinReport } from './error-report';
import { handOver } from './hand-over';
import { finish, type ObjectRef, type RunOptions, type RunResult } from './import-outcome';
import { LOOKUP_MODES, lookupModeOf, writtenKeysFilter } from './lookup-filter';
import { emptyChunk, hasRows, type PendingChunk } from './pending-chunk';

/** Chunk sizes may differ between attempts, so a resume looks out for earlier writes over the largest chunk there can be. */
const LARGEST_CHUNK_ROWS = 20_000;

/**
 * One invocation's work on one import: stream the file from the checkpoint, validate each row,
 * gather chunks of IMPORT_CHUNK_ROWS rows and hand them to the pipeline (plan, write,
 * checkpoint), hand over to a new invocation when time runs low, and finish with the report.
 */
export class FileImport {
  private readonly chunkRows = config().IMPORT_CHUNK_ROWS;
  /** All of this import's DynamoDB batch requests (reads of one chunk, writes of another) share one cap. */
  private readonly limiter = new RequestLimiter(config().IMPORT_WRITE_CONCURRENCY);
  private readonly rowSchema;
  private readonly planner: ChunkPlanner;
  private readonly pipeline: ChunkPipeline;
  private readonly lease: LeaseRenewal;
  /** The header's cells as the file has them (kept in the checkpoint, so a continuation can parse from the middle). */
  private headerCells: string[] | undefined;

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
    const written = firstImportBytes === undefined ? undefined : writtenKeysFilter(firstImportBytes);
    this.planner = new ChunkPlanner(client, record.importId, record.startedAt!, this.limiter, written);
    this.lease = new LeaseRenewal(client.clientId, record.importId);
    const recoverUpTo = resumed ? (record.checkpoint?.row ?? 0) + LARGEST_CHUNK_ROWS : 0;
    this.pipeline = new ChunkPipeline(
      {
        plan: (chunk, overlay) => this.planner.plan(chunk, overlay),
        write: (plan, recovering) => writeChunkPlan(client.clientId, plan, recovering, this.limiter),
        commit: async (chunk, plan) => {
          this.record = await saveCheckpoint(this.record, ref.bucket, chunk, plan, this.headerCells!);
          await this.lease.renewIfDue();
        },
      },
      recoverUpTo,
      record.importId,
    );
  }

  async run(): Promise<RunResult> {
    const cp = this.record.checkpoint;
    const before = this.record.lookups;
    const mode = lookupModeOf(this.planner.written !== undefined, before);
    this.record = await imports.save({
      ...this.record,
      checkpoint: cp ? { ...cp, invocations: cp.invocations + 1 } : undefined,
      lookups: { mode, made: before?.made ?? 0, skipped: before?.skipped ?? 0 },
    });
    logger.info(LOOKUP_MODES[mode], { importId: this.record.importId, lookupMode: mode, fromRow: (cp?.row ?? 0) + 1 });
    let header: HeaderMap | undefined = cp ? resolveHeader(cp.header, this.client.settings.import.columnMap) : undefined;
    this.headerCells = cp?.header;
    const offset = cp?.byteOffset ?? 0;
    let row = cp?.row ?? 0;
    const csv = await openCsvRecords(this.ref.bucket, this.ref.key, this.etag, offset);
    const { pipeline } = this;

    let chunk = emptyChunk(row + 1, offset);
    try {
      try {
        for await (const { cells, end } of csv.records) {
          if (!header) {
            this.headerCells = cells;
            try {
              header = resolveHeader(cells, this.client.settings.import.columnMap);
            } catch (e) {
              if (e instanceof FileFormatError) return finish(this.record, 'failed', { failureReason: `${e.message}. Nothing was imported.` });
              throw e;
            }
            if (header.unknown.length) this.record = { ...this.record, unknownColumns: header.unknown };
            chunk = emptyChunk(1, end);
            continue;
          }
          row++;
          addRow(chunk, row, end, parseRow(cells, header, row, this.rowSchema));
          if (chunk.valid.length + chunk.rejected.length >= this.chunkRows) {
            await pipeline.settle();
            if (this.opts.remainingMs() < config().IMPORT_RESERVE_MS) return await this.continueLater(csv.close);
            pipeline.submit(chunk);
            chunk = emptyChunk(row + 1, end);
          }
        }
        await pipeline.settle();
      } catch (e) {
        return await this.stopOnError(e, chunk, row);
      }
      if (!header) return finish(this.record, 'failed', { failureReason: 'the file is empty; upload a CSV whose first row is the header' });
      if (hasRows(chunk)) pipeline.submit(chunk);
      await pipeline.drain();
      return await this.complete();
    } finally {
      csv.close();
    }
  }

  /** Time is running low: the chunk just read is not written; the next invocation reads it again from the checkpoint. */
  private async continueLater(close: () => void): Promise<RunResult> {
    await this.pipeline.drain();
    close();
    await handOver({ bucket: this.ref.bucket, key: this.ref.key, etag: this.etag, importId: this.record.importId }, this.opts, 'it did not finish the file');
    logger.info('import continues in a new invocation', { importId: this.record.importId, row: this.record.checkpoint?.row });
    return { outcome: 'continued', importId: this.record.importId };
  }

  /**
   * A read, parse or write failed. Never leaves a write running behind (the caller releases the
   * client's lease next). A broken file keeps the rows before the broken record and fails the
   * import with the reason; any other error is thrown.
   */
  private async stopOnError(e: unknown, chunk: PendingChunk, row: number): Promise<RunResult> {
    try {
      await this.pipeline.drain();
    } catch (commitError) {
      throw isCsvError(e) ? commitError : e;
    }
    if (!isCsvError(e)) throw e;
    if (this.headerCells && hasRows(chunk)) {
      this.pipeline.submit(chunk);
      await this.pipeline.drain();
    }
    await this.writeReport();
    return finish(this.record, 'failed', {
      failureReason: `the CSV cannot be read after data row ${hasRows(chunk) ? chunk.lastRow : row}: ${(e as Error).message}. Rows before it were imported; fix the file and upload it again (rows already imported count as duplicates).`,
    });
  }

  private async complete(): Promise<RunResult> {
    const { written, filterMisses } = this.planner;
    if (written) {
      const { made, skipped } = this.record.lookups!;
      logger.info('first-import lookups', { importId: this.record.importId, made, skipped, falsePositives: filterMisses, filterBytes: written.sizeBytes, filterGaveUp: !written.useful });
    }
    if (this.record.counts.rows === 0) {
      this.record = { ...this.record, errors: [{ row: 0, message: 'the file has a header but no data rows; nothing to import' }] };
    }
    await this.writeReport();
    return finish(this.record, 'completed');
  }

  private async writeReport(): Promise<void> {
    const reportKey = await joinReport(this.ref.bucket, this.record.importId);
    if (reportKey) this.record = { ...this.record, reportKey };
  }
}

function addRow(chunk: PendingChunk, row: number, end: number, result: ReturnType<typeof parseRow>): void {
  if (result.ok) chunk.valid.push({ row, data: result.row });
  else chunk.rejected.push({ row, outcome: 'rejected', errors: result.errors });
  chunk.lastRow = row;
  chunk.endOffset = end;
}
