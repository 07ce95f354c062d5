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
 * The object's CSV records from byte `offset` on (a ranged GET pinned to `etag`), through
 * csv-parse: memory holds the parser's buffer and one chunk's records, never the file. A read or
 * parse error is thrown from the iteration after every record before it (`isCsvError` tells a
 * broken file from a failed read); a broken file's error says on which line the bad record starts.
 *
 * Records are taken from csv-parse's `on_record` hook rather than its readable side: a stream that
 * fails drops what it had buffered, and the good rows before a broken quote must all be kept.
 */
export async function openCsvRecords(bucket: string, key: string, etag: string, offset: number): Promise<CsvRecords> {
  const body = await dropBucket.stream(bucket, key, etag, offset);
  const ready: CsvRecord[] = [];
  /** File lines up to the end of the last good record (counted from `offset`). */
  let linesDone = 0;
  let failure: Error | undefined;
  const parser = parse({
    bom: offset === 0,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    on_record: (record: string[], info: Info) => {
      ready.push({ cells: record, end: offset + info.bytes });
      linesDone = info.lines;
      return null;
    },
  });
  parser.on('error', (e) => (failure ??= e));
  parser.resume();
  const settled = () => new Promise<void>((resolve) => setImmediate(resolve));
  const broken = (e: Error): Error => {
    if (!isCsvError(e)) return e;
    const where = offset === 0 ? `line ${linesDone + 1} of the file` : `the record after byte ${ready.at(-1)?.end ?? offset}`;
    return Object.assign(new Error(`the record starting at ${where} is broken (${describe(e)})`), { name: 'CsvError', code: (e as { code?: string }).code });
  };
  async function* records(): AsyncGenerator<CsvRecord> {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      parser.write(chunk);
      await settled();
      yield* ready.splice(0);
      if (failure) throw broken(failure);
    }
    parser.end();
    await settled();
    yield* ready.splice(0);
    if (failure) throw broken(failure);
  }
  return {
    records: records(),
    close() {
      parser.destroy();
      body.destroy();
    },
  };
}

/** What csv-parse found, in words a person fixing the file can act on. */
function describe(e: Error): string {
  switch ((e as { code?: string }).code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quote opened there is never closed; the rest of the file was read as one cell';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quoted cell is followed by more text before the next comma; double a quote inside a quoted cell ("")';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record is over ${MAX_RECORD_BYTES / 1024 / 1024} MB`;
    default:
      return e.message;
  }
}

/** A fault of the file (csv-parse's CsvError), not of reading it. */
export function isCsvError(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return e instanceof Error && (e.name === 'CsvError' || (typeof code === 'string' && code.startsWith('CSV_')));
}
