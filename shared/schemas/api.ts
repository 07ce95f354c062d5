import { z } from 'zod';

/**
 * Shapes every route shares: pagination, lists and errors. The OpenAPI document
 * (shared/http/openapi.ts) describes the routes with these, so the API and its reference agree.
 */

/** `?limit=&cursor=`; any other parameter is a 400 (a misspelt filter must not list everything). */
export const pageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(25).describe('items per page, 1 to 100 (default 25)'),
    cursor: z.string().max(2_000).optional().describe('the `cursor` of the previous page, unchanged'),
  })
  .strict();

/** `{ items, cursor }`: a page of a list; `cursor` is absent on the last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    cursor: z.string().optional().describe('pass back as `?cursor=` for the next page; absent on the last page'),
  });
}

export const errorResponseSchema = z.object({
    error: z.object({
      code: z.string().describe('machine-readable, e.g. validation_failed, not_found, stale_version'),
      message: z.string(),
      details: z.array(z.object({ field: z.string().describe('dotted path of the bad field, or (body)'), message: z.string() })).optional(),
    }),
  });

/**
 * A 401 or 403: API Gateway's own answer when its authorizer refuses the credential (no function
 * runs: `{ "message": "Unauthorized" }` / `{ "message": "Forbidden" }`), or the API's error when
 * the user is disabled or the role may not use the route.
 */
export const credentialRefusalSchema = z.union([z.object({ message: z.enum(['Unauthorized', 'Forbidden']) }).strict(), errorResponseSchema]);
