import { ValidationError } from '../../errors';

/** Opaque pagination cursors: DynamoDB's LastEvaluatedKey, base64url JSON. Callers never see its shape. */
export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | undefined {
  return lastKey ? Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url') : undefined;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw invalidCursor();
  }
}

function invalidCursor(): ValidationError {
  return new ValidationError('invalid cursor', [{ field: 'cursor', message: 'pass back the cursor of the previous page unchanged' }]);
}

/**
 * A cursor as the ExclusiveStartKey of one query: it must be a key of the table (string `pk`
 * and `sk`) inside the partition being read (`expected`) and within the sort-key range
 * (`prefixes`). DynamoDB would refuse anything else with an error that is not the caller's
 * to read, so a tampered or foreign cursor is a 400 here.
 */
export function startKey(cursor: string | undefined, expected: Record<string, string>, prefixes: Record<string, string> = {}): Record<string, unknown> | undefined {
  const key = decodeCursor(cursor);
  if (!key) return undefined;
  const isTableKey = Object.values(key).every((v) => typeof v === 'string') && typeof key.pk === 'string' && typeof key.sk === 'string';
  const inPartition = Object.entries(expected).every(([name, value]) => key[name] === value);
  const inRange = Object.entries(prefixes).every(([name, prefix]) => String(key[name]).startsWith(prefix));
  if (!isTableKey || !inPartition || !inRange) throw invalidCursor();
  return key;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}
