import { randomUUID } from 'node:crypto';
import { nowIso } from '../clock';
import type { BusinessEntity } from '../../schemas/business-entity';
import type { Client } from '../../schemas/client';
import { GSI1, keys } from './keys';
import type { Page } from './cursor';
import { versionedStore } from './versioned-store';

/** Opaque, sortable-enough ids with a readable prefix for support calls. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}

export const businessEntities = {
  async create(input: Omit<BusinessEntity, 'businessEntityId' | 'version' | 'createdAt' | 'updatedAt'>): Promise<BusinessEntity> {
    const at = nowIso();
    const record: BusinessEntity = { ...input, businessEntityId: newId('be'), version: 1, createdAt: at, updatedAt: at };
    return versionedStore.create('business entity', record, entityItemKeys(record));
  },
  get: (id: string) => versionedStore.get<BusinessEntity>('business entity', id, keys.businessEntity(id)),
  find: (id: string) => versionedStore.find<BusinessEntity>(keys.businessEntity(id)),
  /** Replaces the entity if still at `expectedVersion`; returns it at the next version. */
  replace: (next: BusinessEntity, expectedVersion: number): Promise<BusinessEntity> =>
    versionedStore.replace('business entity', { ...next, updatedAt: nowIso() }, expectedVersion, entityItemKeys(next)),
  list: (limit: number, cursor?: string): Promise<Page<BusinessEntity>> =>
    versionedStore.queryPage<BusinessEntity>({ index: GSI1, pkName: 'gsi1pk', pkValue: 'ENTITIES', limit, cursor, ascending: true }),
};

const entityItemKeys = (e: BusinessEntity) => ({ ...keys.businessEntity(e.businessEntityId), ...keys.businessEntityList(e.createdAt, e.businessEntityId) });

export const clients = {
  async create(input: Omit<Client, 'clientId' | 'version' | 'createdAt' | 'updatedAt'>): Promise<Client> {
    const at = nowIso();
    const record: Client = { ...input, clientId: newId('cl'), version: 1, createdAt: at, updatedAt: at };
    return versionedStore.create('client', record, { ...keys.client(record.clientId), ...keys.clientList(at, record.clientId) });
  },
  get: (id: string) => versionedStore.get<Client>('client', id, keys.client(id)),
  find: (id: string) => versionedStore.find<Client>(keys.client(id)),
  async replace(next: Client, expectedVersion: number): Promise<Client> {
    const record = { ...next, updatedAt: nowIso() };
    return versionedStore.replace('client', record, expectedVersion, { ...keys.client(next.clientId), ...keys.clientList(next.createdAt, next.clientId) });
  },
  list: (limit: number, cursor?: string): Promise<Page<Client>> =>
    versionedStore.queryPage<Client>({ index: GSI1, pkName: 'gsi1pk', pkValue: 'CLIENTS', limit, cursor, ascending: true }),
};
