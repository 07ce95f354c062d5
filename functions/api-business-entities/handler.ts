import { businessEntities } from '../../shared/adapters/dynamo/repositories';
import { apiHandler, created, ok } from '../../shared/http/api-handler';
import { parseOrThrow } from '../../shared/http/validate';
import { businessEntityInputSchema } from '../../shared/schemas/business-entity';

export const handler = apiHandler({
  'POST /business-entities': async ({ body }) => created(await businessEntities.create(parseOrThrow(businessEntityInputSchema, body))),
  'GET /business-entities/{id}': async ({ params }) => ok(await businessEntities.get(params.id!)),
});
