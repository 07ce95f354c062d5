import type { ChunkRow, RowOutcome } from '../domain/import-plan';

/** Rows read from the file and validated, not yet planned or written. */
export interface PendingChunk {
  firstRow: number;
  lastRow: number;
  /** Byte offset just after the chunk's last record. */
  endOffset: number;
  valid: ChunkRow[];
  rejected: RowOutcome[];
  /** Index keys read for this chunk (every plan of it) and left out by the first-import filter. */
  lookups: { made: number; skipped: number };
}

export function emptyChunk(firstRow: number, offset: number): PendingChunk {
  return { firstRow, lastRow: firstRow - 1, endOffset: offset, valid: [], rejected: [], lookups: { made: 0, skipped: 0 } };
}

export function hasRows(chunk: PendingChunk): boolean {
  return chunk.lastRow >= chunk.firstRow;
}
