import { businessEntities, clients } from '../adapters/dynamo/repositories';
import { cases } from '../adapters/dynamo/case-repository';
import { TtlCache } from '../adapters/ttl-cache';
import { resolveEffectiveSettings, type EffectiveSettings } from '../domain/effective-settings';
import type { BusinessEntity } from '../schemas/business-entity';
import type { Case } from '../schemas/case';
import type { Client } from '../schemas/client';

/** Everything a workflow step needs to decide and render: the case (fresh), its client, settings and business entity. */
export interface CaseContext {
  c: Case;
  client: Client;
  settings: EffectiveSettings;
  entity: BusinessEntity | undefined;
}

/**
 * Clients and entities change rarely and are read by every step; a short per-container cache
 * saves a read per touchpoint. The case itself is always read fresh (it is the truth the guard
 * checks).
 */
const TTL_MS = 30_000;
const clientCache = new TtlCache<Client>(TTL_MS);
const entityCache = new TtlCache<BusinessEntity | undefined>(TTL_MS);

/** For tests that change a client between steps. */
export function clearCaseContextCache(): void {
  clientCache.clear();
  entityCache.clear();
}

export async function loadClientParts(clientId: string): Promise<{ client: Client; entity: BusinessEntity | undefined }> {
  const client = await clientCache.get(clientId, () => clients.get(clientId));
  const entityId = client.settings.businessEntityId;
  const entity = entityId ? await entityCache.get(entityId, () => businessEntities.find(entityId)) : undefined;
  return { client, entity };
}

export async function loadCaseContext(caseId: string, known?: Case): Promise<CaseContext> {
  const c = known ?? (await cases.get(caseId));
  const { client, entity } = await loadClientParts(c.clientId);
  // A portfolio removed from the client since import falls back to the client's own settings.
  let settings: EffectiveSettings;
  try {
    settings = resolveEffectiveSettings(client, c.portfolio);
  } catch {
    settings = resolveEffectiveSettings({ ...client, portfolios: [], defaultPortfolio: undefined });
  }
  return { c, client, settings, entity };
}
