import { z } from 'zod';
import { nowIso } from '../../shared/adapters/clock';
import { apiKeys, type ApiKeyRecord } from '../../shared/adapters/dynamo/api-keys';
import { businessEntities, clients } from '../../shared/adapters/dynamo/repositories';
import { enrichmentSpend, type EnrichmentSpend } from '../../shared/adapters/dynamo/enrichment-spend';
import { UnknownPortfolioError, findPortfolio } from '../../shared/domain/effective-settings';
import { checkClientTemplates } from '../../shared/domain/template-check';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { apiHandler, created, ok } from '../../shared/http/api-handler';
import { mergePatchRequest, sameJson } from '../../shared/http/merge-patch-request';
import { newApiKeyToken } from '../../shared/auth/api-key-token';
import { parseOrThrow, refuseQuery } from '../../shared/http/validate';
import { pageQuerySchema } from '../../shared/schemas/api';
import { clientInputSchema, type Client } from '../../shared/schemas/client';

/** `?limit=&cursor=` and nothing else: a misspelt parameter is a 400 naming it, not a list of everything. */
const listQuery = pageQuerySchema;

const newKeyBody = z.object({ label: z.string().trim().min(1).max(100).optional() }).strict();

/** A key as the API lists it: never its secret, not even hashed. */
const keyView = ({ secretSha256: _secret, ...rest }: ApiKeyRecord) => rest;

/** Fields the server owns; a PATCH may not change them. */
const READ_ONLY = ['clientId', 'createdAt', 'updatedAt', 'enrichmentSpend'] as const;

export const handler = apiHandler({
  'POST /clients': async ({ body }) => {
    const input = parseOrThrow(clientInputSchema, body);
    await checkReferences(input);
    // A new client has bought no lookups yet.
    return created({ ...(await clients.create(input)), enrichmentSpend: [] });
  },

  'GET /clients': async ({ query }) => {
    const { limit, cursor } = parseOrThrow(listQuery, query, 'query');
    return ok(await clients.list(limit, cursor));
  },

  'GET /clients/{clientId}': async ({ params, query }) => {
    refuseQuery(query);
    return ok(await clientView(await clients.get(params.clientId!)));
  },

  /** JSON Merge Patch; optimistic locking by `If-Match: <version>` or a `version` field in the patch. */
  'PATCH /clients/{clientId}': async ({ params, body, headers }) => {
    const current = await clients.get(params.clientId!);
    const { merged: patched, before } = mergePatchRequest(current, body, headers['if-match'], READ_ONLY, 'client');
    const merged = parseOrThrow(clientInputSchema, patched, 'patched client');
    // A patch that changes nothing is answered with the client as it is: no write, no new version.
    if (sameJson(merged, before)) return ok(await clientView(current));
    await checkReferences(merged);
    const { clientId, version, createdAt, updatedAt } = current;
    const next: Client = { ...merged, clientId, version, createdAt, updatedAt };
    return ok(await clientView(await clients.replace(next, current.version)));
  },

  /**
   * An API key for the client's own system: its own imports and cases, and the payments it
   * receives. The token is in this answer only; the table keeps a SHA-256 digest of its secret.
   */
  'POST /clients/{clientId}/api-keys': async ({ params, body }) => {
    const { label } = parseOrThrow(newKeyBody, body ?? {}, 'body');
    const client = await clients.get(params.clientId!);
    const { keyId, token, secretSha256 } = newApiKeyToken();
    const at = nowIso();
    const record = await apiKeys.create({ keyId, clientId: client.clientId, ...(label ? { label } : {}), secretSha256, version: 1, createdAt: at, updatedAt: at });
    return created({ ...keyView(record), token });
  },

  'GET /clients/{clientId}/api-keys': async ({ params, query }) => {
    const { limit, cursor } = parseOrThrow(listQuery, query, 'query');
    await clients.get(params.clientId!);
    const page = await apiKeys.listByClient(params.clientId!, limit, cursor);
    return ok({ items: page.items.map(keyView), cursor: page.cursor });
  },

  /** Revokes a key: the authorizer reads keys fresh and its answers are cached for a minute, so it stops working within one. */
  'DELETE /clients/{clientId}/api-keys/{keyId}': async ({ params }) => {
    const key = await apiKeys.find(params.keyId!);
    if (!key || key.clientId !== params.clientId) throw new NotFoundError('API key', params.keyId!);
    if (key.revokedAt) return ok(keyView(key));
    const at = nowIso();
    try {
      return ok(keyView(await apiKeys.replace({ ...key, revokedAt: at, updatedAt: at }, key.version)));
    } catch (e) {
      // Two revocations at once: the other one won, and the key is revoked all the same.
      const now = e instanceof ConflictError && e.code === 'stale_version' ? await apiKeys.find(key.keyId) : undefined;
      if (now?.revokedAt) return ok(keyView(now));
      throw e;
    }
  },
});

/** A client as the API shows it one at a time: the record plus what its skip-trace lookups cost so far (one Query). */
async function clientView(client: Client): Promise<Client & { enrichmentSpend: EnrichmentSpend[] }> {
  return { ...client, enrichmentSpend: await enrichmentSpend.list(client.clientId) };
}

/**
 * References a client holds must point at something real, and its templates must render for the
 * nodes that use them, or the API says which and why (at save, not at a failed send weeks later).
 */
async function checkReferences(input: z.infer<typeof clientInputSchema>): Promise<void> {
  const entityId = input.settings.businessEntityId;
  const entity = entityId ? await businessEntities.find(entityId) : undefined;
  if (entityId && !entity) {
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
  const problems = checkClientTemplates(input, entity);
  if (problems.length) throw new ValidationError('templates do not fit the workflows that use them; see details', problems);
}
