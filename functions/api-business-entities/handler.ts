import { businessEntities } from '../../shared/adapters/dynamo/repositories';
import { checkTemplates } from '../../shared/domain/template-check';
import { ValidationError } from '../../shared/errors';
import { apiHandler, created, ok } from '../../shared/http/api-handler';
import { mergePatchRequest, sameJson } from '../../shared/http/merge-patch-request';
import { parseOrThrow, refuseQuery } from '../../shared/http/validate';
import { pageQuerySchema } from '../../shared/schemas/api';
import { businessEntityInputSchema, type BusinessEntity } from '../../shared/schemas/business-entity';

/** Fields the server owns; a PATCH may not change them. */
const READ_ONLY = ['businessEntityId', 'createdAt', 'updatedAt'] as const;

export const handler = apiHandler({
  'POST /business-entities': async ({ body }) => {
    const input = parseOrThrow(businessEntityInputSchema, body);
    checkEntityTemplates(input);
    return created(await businessEntities.create(input));
  },

  'GET /business-entities': async ({ query }) => {
    const { limit, cursor } = parseOrThrow(pageQuerySchema, query, 'query');
    return ok(await businessEntities.list(limit, cursor));
  },

  'GET /business-entities/{id}': async ({ params, query }) => {
    refuseQuery(query);
    return ok(await businessEntities.get(params.id!));
  },

  /** JSON Merge Patch; optimistic locking by `If-Match: <version>` or a `version` field in the patch. */
  'PATCH /business-entities/{id}': async ({ params, body, headers }) => {
    const current = await businessEntities.get(params.id!);
    const { merged, before } = mergePatchRequest(current, body, headers['if-match'], READ_ONLY, 'business entity');
    const input = parseOrThrow(businessEntityInputSchema, merged, 'patched business entity');
    if (sameJson(input, before)) return ok(current);
    checkEntityTemplates(input);
    const next: BusinessEntity = { ...input, businessEntityId: current.businessEntityId, version: current.version, createdAt: current.createdAt, updatedAt: current.updatedAt };
    return ok(await businessEntities.replace(next, current.version));
  },
});

/** A merge field that names nothing is refused at save, not found by a failed send weeks later. */
function checkEntityTemplates(input: Pick<BusinessEntity, 'templates'>): void {
  const problems = checkTemplates(input.templates);
  if (problems.length) throw new ValidationError('templates name merge fields that do not exist; see details', problems);
}
