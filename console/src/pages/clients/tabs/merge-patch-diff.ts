/**
 * The JSON Merge Patch (RFC 7386) that turns `before` into `after`: changed keys with their new
 * value, removed keys as null, arrays and scalars whole. `undefined` when nothing changed, so an
 * unchanged form sends no patch.
 */
export function mergePatchDiff(before: unknown, after: unknown): unknown {
  if (isObject(before) && isObject(after)) {
    const patch: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const b = before[key];
      const a = after[key];
      if (a === undefined) {
        if (b !== undefined) patch[key] = null;
        continue;
      }
      const d = b === undefined ? a : mergePatchDiff(b, a);
      if (d !== undefined) patch[key] = d;
    }
    return Object.keys(patch).length ? patch : undefined;
  }
  return JSON.stringify(before) === JSON.stringify(after) ? undefined : after;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
