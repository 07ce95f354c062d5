import type { z } from 'zod';
import { ValidationError, type ErrorDetail } from '../errors';

/** zod issues as the API's error details: one per bad field, named by its dotted path. */
export function issuesToDetails(issues: z.core.$ZodIssue[], prefix = ''): ErrorDetail[] {
  return issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: i.message,
  }));
}

/** Parses with a schema or throws a 400 naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(`${what} is invalid; see details for each field`, issuesToDetails(result.error.issues));
  }
  return result.data;
}
