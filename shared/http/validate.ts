import { z } from 'zod';
import { ValidationError, type ErrorDetail } from '../errors';

/**
 * zod issues as the API's error details: one per bad field, named by its dotted path. An unknown
 * key is named itself (`settings.setings`), so a misspelt field is found without reading the schema.
 */
export function issuesToDetails(issues: z.core.$ZodIssue[], prefix = ''): ErrorDetail[] {
  const field = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || '(body)';
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ field: field([...i.path, key]), message: 'is not a known field; check its spelling and where it sits' }))
      : [{ field: field(i.path), message: i.message }],
  );
}

/** Parses with a schema or throws a 400 naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(`${what} is invalid; see details for each field`, issuesToDetails(result.error.issues));
  }
  return result.data;
}

const NO_QUERY = z.object({}).strict();

/** For a route that takes no query parameter: any one is a 400 naming it (a misspelt filter must not be ignored). */
export function refuseQuery(query: Record<string, string>): void {
  parseOrThrow(NO_QUERY, query, 'query');
}
