import { BloomFilter } from '../domain/bloom-filter';
import type { ImportRecord } from '../schemas/import';

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

export type LookupMode = NonNullable<ImportRecord['lookups']>['mode'];

export const LOOKUP_MODES: Record<LookupMode, string> = {
  'first-import': 'first import: lookups only for keys this import wrote',
  full: 'full lookups: every invoice number and match key is read',
  'first-import-then-full': 'first import, continued by a new invocation: full lookups from here on (the filter of written keys lived in the first invocation)',
};

/**
 * First import only: a filter of every index key the import plans to write (`i:<invoice
 * number>`, `k:<match key>`). The client's index was empty when the import began and the lease
 * keeps other writers out, so a key the filter has never seen is not in the table: it is not read.
 */
export function writtenKeysFilter(objectBytes: number): BloomFilter {
  const rows = Math.min(FILTER_MAX_ESTIMATED_ROWS, Math.ceil(objectBytes / FILTER_BYTES_PER_ROW));
  return new BloomFilter({ expectedKeys: rows * FILTER_KEYS_PER_ROW, falsePositiveRate: FILTER_FALSE_POSITIVE_RATE, maxBytes: FILTER_MAX_BYTES });
}

/** Which lookups this invocation makes: a filter only lives in the invocation that began the import. */
export function lookupModeOf(hasFilter: boolean, before: ImportRecord['lookups']): LookupMode {
  return hasFilter ? 'first-import' : before && before.mode !== 'full' ? 'first-import-then-full' : 'full';
}
