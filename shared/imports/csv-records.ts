import { parse, type Info } from 'csv-parse';
import { dropBucket } from '../adapters/drop-bucket';

/** A single CSV record above this is refused (the whole file stops there; rows before it are kept). */
const MAX_RECORD_BYTES = 32 * 1024 * 1024;

export interface CsvRecord {
  cells: string[];
  /** Byte offset in the object just after this record. */
  end: number;
}

export interface CsvRecords {
  records: AsyncIterable<CsvRecord>;
  /** Stops reading (the object's stream and the parser). */
  close(): void;
}

/**
 * The object's CSV records from byte `offset` on (a ranged GET pinned to `etag`), streamed
 * through csv-parse: memory holds the parser's buffer, never the file. A read or parse error is
 * thrown from the iteration; `isCsvError` tells a broken file from a failed read.
 */
export async function openCsvRecords(bucket: string, key: string, etag: string, offset: number): Promise<CsvRecords> {
  const body = await dropBucket.stream(bucket, key, etag, offset);
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
  async function* records(): AsyncGenerator<CsvRecord> {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) yield { cells: record, end: offset + info.bytes };
  }
  return {
    records: records(),
    close() {
      parser.destroy();
      body.destroy();
    },
  };
}

/** A fault of the file (csv-parse's CsvError), not of reading it. */
export function isCsvError(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return e instanceof Error && (e.name === 'CsvError' || (typeof code === 'string' && code.startsWith('CSV_')));
}
