import type { ImportError } from '../schemas/import';
import { CSV_COLUMNS, REQUIRED_COLUMNS, csvRowSchema, type CsvColumn, type CsvRow, type RawCsvRow } from '../schemas/csv-row';

/** How the file's header maps onto our columns: position in the record -> canonical column. */
export interface HeaderMap {
  /** One entry per header cell: the canonical column, or null for a column we ignore. */
  columns: (CsvColumn | null)[];
  /** Header cells we did not recognise (ignored, reported once for the user's information). */
  unknown: string[];
}

export class FileFormatError extends Error {}

const CANONICAL = new Set<string>(CSV_COLUMNS);

/** Header names are case-insensitive, spaces and dashes count as underscores. */
function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * Resolves the header row: case-insensitive names, the client's own names mapped through
 * `columnMap`, unknown columns ignored, order free. Throws FileFormatError with what to do
 * when a required column is missing or a column appears twice.
 */
export function resolveHeader(header: string[], columnMap: Record<string, string> = {}): HeaderMap {
  const mapped = new Map(Object.entries(columnMap).map(([from, to]) => [canonicalName(from), canonicalName(to)]));
  const columns: (CsvColumn | null)[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const cell of header) {
    const own = canonicalName(cell);
    const name = mapped.get(own) ?? own;
    if (!CANONICAL.has(name)) {
      columns.push(null);
      if (cell.trim()) unknown.push(cell.trim());
      continue;
    }
    if (seen.has(name)) throw new FileFormatError(`column "${name}" appears twice in the header; keep one`);
    seen.add(name);
    columns.push(name as CsvColumn);
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !seen.has(c));
  if (missing.length) {
    const hint = guessDelimiterHint(header);
    throw new FileFormatError(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}` +
        (hint ? `; ${hint}` : '; the first row must be the header (names are case-insensitive, order is free)'),
    );
  }
  return { columns, unknown };
}

function guessDelimiterHint(header: string[]): string | undefined {
  if (header.length !== 1) return undefined;
  const only = header[0] ?? '';
  for (const [ch, name] of [[';', 'semicolons'], ['\t', 'tabs'], ['|', 'pipes']] as const) {
    if (only.includes(ch)) return `the header looks separated by ${name}; save the file as comma-separated CSV`;
  }
  return undefined;
}

export type RowResult = { ok: true; row: CsvRow } | { ok: false; errors: ImportError[] };

/** Validates one record (already split into cells) against the row schema. `rowNumber` 1 = first data row. */
export function parseRow(cells: string[], header: HeaderMap, rowNumber: number, schema: ReturnType<typeof csvRowSchema>): RowResult {
  // More cells than the header has columns: a value split by an unquoted comma (1,234.56 read as
  // 1 and 234.56). Every cell after the split is in the wrong column, so the row is refused whole,
  // even when the extra cell is empty (the shifted last column may be an empty one).
  if (cells.length > header.columns.length) {
    return {
      ok: false,
      errors: [{ row: rowNumber, message: `has ${cells.length} cells but the header has ${header.columns.length} columns; quote values that contain a comma (e.g. "1,234.56"), or write amounts with "." and no thousands separator`, value: clip(cells.join(',')) }],
    };
  }
  const raw: RawCsvRow = {};
  header.columns.forEach((col, i) => {
    if (col) raw[col] = cells[i] ?? '';
  });
  // csv-parse decodes as UTF-8 and turns invalid bytes into U+FFFD; we refuse rather than store mangled names.
  const mangled = header.columns.find((col) => col && raw[col]?.includes('\uFFFD'));
  if (mangled) {
    return { ok: false, errors: [{ row: rowNumber, column: mangled, message: 'contains bytes that are not UTF-8; save the file as UTF-8 and upload it again' }] };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, row: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => {
      const column = issue.path[0] === undefined ? undefined : String(issue.path[0]);
      const value = column ? raw[column as CsvColumn] : undefined;
      return { row: rowNumber, column, message: issue.message, value: value === undefined ? undefined : clip(value) };
    }),
  };
}

/** Error reports keep the offending value short: a 10 MB cell is reported, not copied. */
function clip(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}… (${value.length} characters)` : value;
}

/**
 * Makes a cell safe to open in a spreadsheet: text starting with `=`, `+`, `-`, `@` (or a tab
 * or carriage return) would run as a formula, so it gets a leading apostrophe (OWASP CSV injection).
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(value: string): string {
  const safe = neutraliseCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const ERROR_REPORT_HEADER = 'row,outcome,column,message,value\r\n';

/** One line of the import's error report (rejected rows, and duplicates for the record). */
export function errorReportLine(e: ImportError & { outcome: 'rejected' | 'duplicate' | 'failed' }): string {
  return [String(e.row), e.outcome, e.column ?? '', e.message, e.value ?? ''].map(csvCell).join(',') + '\r\n';
}
