import { z } from 'zod';
import { businessEntities, clients } from '../../shared/adapters/dynamo/repositories';
import { UnknownPortfolioError, findPortfolio } from '../../shared/domain/effective-settings';
import { applyMergePatch } from '../../shared/domain/merge-patch';
import { ConflictError, ValidationError } from '../../shared/errors';
import { apiHandler, created, ok } from '../../shared/http/api-handler';
import { parseOrThrow } from '../../shared/http/validate';
import { clientInputSchema, type Client } from '../../shared/schemas/client';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().optional(),
});

/** Fields the server owns; a PATCH may not change them. */
const READ_ONLY = ['clientId', 'createdAt', 'updatedAt'] as const;

export const handler = apiHandler({
  'POST /clients': async ({ body }) => {
    const input = parseOrThrow(clientInputSchema, body);
    await checkReferences(input);
    return created(await clients.create(input));
  },

  'GET /clients': async ({ query }) => {
    const { limit, cursor } = parseOrThrow(listQuery, query, 'query');
    return ok(await clients.list(limit, cursor));
  },

  'GET /clients/{clientId}': async ({ params }) => ok(await clients.get(params.clientId!)),

  /** JSON Merge Patch; optimistic locking by `If-Match: <version>` or a `version` field in the patch. */
  'PATCH /clients/{clientId}': async ({ params, body, headers }) => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ValidationError('a PATCH body is a JSON object (JSON Merge Patch)');
    }
    const current = await clients.get(params.clientId!);
    const patch = { ...(body as Record<string, unknown>) };
    const expected = expectedVersion(headers['if-match'], patch.version);
    if (expected !== undefined && expected !== current.version) {
      throw new ConflictError(`client is at version ${current.version}, not ${expected}; read it again and reapply your change`, 'stale_version');
    }
    for (const field of READ_ONLY) {
      if (field in patch) throw new ValidationError(`${field} cannot be changed`, [{ field, message: 'is read-only' }]);
    }
    delete patch.version;
    const { clientId, version, createdAt, updatedAt, ...editable } = current;
    const merged = parseOrThrow(clientInputSchema, applyMergePatch(editable, patch), 'patched client');
    await checkReferences(merged);
    const next: Client = { ...merged, clientId, version, createdAt, updatedAt };
    return ok(await clients.replace(next, current.version));
  },
});

function expectedVersion(ifMatch: string | undefined, bodyVersion: unknown): number | undefined {
  const raw = ifMatch?.replace(/^W\//, '').replace(/"/g, '') ?? bodyVersion;
  if (raw === undefined || raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ValidationError('version must be a positive integer', [{ field: 'version', message: 'must be a positive integer' }]);
  return n;
}

/** References a client holds must point at something real, or the API says which and why. */
async function checkReferences(input: z.infer<typeof clientInputSchema>): Promise<void> {
  const entityId = input.settings.businessEntityId;
  if (entityId && !(await businessEntities.find(entityId))) {
    throw new ValidationError('unknown business entity', [{ field: 'settings.businessEntityId', message: `no business entity with id "${entityId}"; create it with POST /business-entities first` }]);
  }
  if (input.defaultPortfolio) {
    try {
      findPortfolio(input);
    } catch (e) {
      if (e instanceof UnknownPortfolioError) throw new ValidationError('unknown default portfolio', [{ field: 'defaultPortfolio', message: e.message }]);
      throw e;
    }
  }
}
