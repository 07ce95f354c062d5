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
    throw new ValidationError('invalid cursor', [{ field: 'cursor', message: 'pass back the cursor of the previous page unchanged' }]);
  }
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}
