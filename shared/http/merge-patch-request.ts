import { applyMergePatch } from '../domain/merge-patch';
import { ConflictError, ValidationError } from '../errors';

/** A record the API edits with JSON Merge Patch under optimistic locking. */
interface Stored {
  version: number;
}

/**
 * The editable record a PATCH asks for: the body is a JSON Merge Patch (RFC 7396) of `current`
 * without its server-owned fields; the version the caller read comes as `If-Match: <version>` or
 * a `version` field, and a stale one is a 409 before anything is merged. Returns the merged
 * fields (to validate with the record's input schema) and the editable fields before the patch
 * (compare with `sameJson`: a patch that changes nothing does not move the version).
 */
export function mergePatchRequest<T extends Stored>(
  current: T,
  body: unknown,
  ifMatch: string | undefined,
  readOnly: readonly string[],
  kind: string,
): { merged: unknown; before: Record<string, unknown> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('a PATCH body is a JSON object (JSON Merge Patch)', [{ field: '(body)', message: 'send a JSON object of the fields to change; null removes a field' }]);
  }
  const patch = { ...(body as Record<string, unknown>) };
  const expected = expectedVersion(ifMatch, patch.version);
  if (expected !== undefined && expected !== current.version) {
    throw new ConflictError(`${kind} is at version ${current.version}, not ${expected}; read it again and reapply your change`, 'stale_version');
  }
  delete patch.version;
  for (const field of readOnly) {
    if (field in patch) throw new ValidationError(`${field} cannot be changed`, [{ field, message: 'is read-only' }]);
  }
  const editable = { ...current } as Record<string, unknown>;
  for (const field of [...readOnly, 'version']) delete editable[field];
  return { merged: applyMergePatch(editable, patch), before: editable };
}

/** Equal as JSON, whatever the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sorted(x)]));
}

/** The version a caller says it read: `If-Match` (an ETag-like `"3"` or `W/"3"` too) or the body's `version`. */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: unknown): number | undefined {
  const raw = ifMatch?.replace(/^W\//, '').replace(/"/g, '') ?? bodyVersion;
  if (raw === undefined || raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ValidationError('version must be a positive integer', [{ field: 'version', message: 'must be a positive integer' }]);
  return n;
}
