import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors';
import { cursorSecret } from '../cursor-secret';

/**
 * Opaque pagination cursors: DynamoDB's LastEvaluatedKey as base64url JSON, then `.` and an
 * HMAC-SHA256 of that text under the stack's cursor secret. Callers never see the key's shape,
 * and a cursor edited to start somewhere else (skipping events, reading past a filter) fails
 * the signature: 400 `invalid_cursor`.
 */
const SIGNED = 'recoup-cursor-v1.';

async function mac(payload: string): Promise<Buffer> {
  return createHmac('sha256', await cursorSecret()).update(SIGNED + payload).digest();
}

export async function encodeCursor(lastKey: Record<string, unknown> | undefined): Promise<string | undefined> {
  if (!lastKey) return undefined;
  const payload = Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
  return `${payload}.${(await mac(payload)).toString('base64url')}`;
}

export async function decodeCursor(cursor: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (!cursor) return undefined;
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length) throw invalidCursor();
  const expected = await mac(payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw invalidCursor();
  }
}

export function invalidCursor(): AppError {
  return new AppError(400, 'invalid_cursor', 'the cursor is not one this list gave out, or was changed', [{ field: 'cursor', message: 'pass back the cursor of the previous page unchanged' }]);
}

/**
 * A cursor as the ExclusiveStartKey of one query: signed by us, a key of the table (string `pk`
 * and `sk`) inside the partition being read (`expected`) and within the sort-key range
 * (`prefixes`). A cursor of another list (another client's, another case's) is refused too:
 * signed, but not this query's.
 */
export async function startKey(cursor: string | undefined, expected: Record<string, string>, prefixes: Record<string, string> = {}): Promise<Record<string, unknown> | undefined> {
  const key = await decodeCursor(cursor);
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
