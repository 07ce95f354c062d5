import { businessEntities } from '../../shared/adapters/dynamo/repositories';
import { apiHandler, created, ok } from '../../shared/http/api-handler';
import { mergePatchRequest, sameJson } from '../../shared/http/merge-patch-request';
import { parseOrThrow } from '../../shared/http/validate';
import { pageQuerySchema } from '../../shared/schemas/api';
import { businessEntityInputSchema, type BusinessEntity } from '../../shared/schemas/business-entity';

/** Fields the server owns; a PATCH may not change them. */
const READ_ONLY = ['businessEntityId', 'createdAt', 'updatedAt'] as const;

export const handler = apiHandler({
  'POST /business-entities': async ({ body }) => created(await businessEntities.create(parseOrThrow(businessEntityInputSchema, body))),

  'GET /business-entities': async ({ query }) => {
    const { limit, cursor } = parseOrThrow(pageQuerySchema, query, 'query');
    return ok(await businessEntities.list(limit, cursor));
  },

  'GET /business-entities/{id}': async ({ params }) => ok(await businessEntities.get(params.id!)),

  /** JSON Merge Patch; optimistic locking by `If-Match: <version>` or a `version` field in the patch. */
  'PATCH /business-entities/{id}': async ({ params, body, headers }) => {
    const current = await businessEntities.get(params.id!);
    const { merged, before } = mergePatchRequest(current, body, headers['if-match'], READ_ONLY, 'business entity');
    const input = parseOrThrow(businessEntityInputSchema, merged, 'patched business entity');
    if (sameJson(input, before)) return ok(current);
    const next: BusinessEntity = { ...input, businessEntityId: current.businessEntityId, version: current.version, createdAt: current.createdAt, updatedAt: current.updatedAt };
    return ok(await businessEntities.replace(next, current.version));
  },
});
