import { GSI1, keys } from './keys';
import type { Page } from './cursor';
import { versionedStore } from './versioned-store';

/** An API key of one client, as stored: its secret only as a SHA-256 digest. */
export interface ApiKeyRecord {
  keyId: string;
  clientId: string;
  label?: string;
  secretSha256: string;
  revokedAt?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const itemKeys = (k: Pick<ApiKeyRecord, 'keyId' | 'clientId' | 'createdAt'>) => ({ ...keys.apiKey(k.keyId), ...keys.apiKeyList(k.clientId, k.createdAt, k.keyId) });

export const apiKeys = {
  create: (record: ApiKeyRecord) => versionedStore.create('API key', record, itemKeys(record)),
  find: (keyId: string) => versionedStore.find<ApiKeyRecord>(keys.apiKey(keyId)),
  replace: (record: ApiKeyRecord, expectedVersion: number) => versionedStore.replace('API key', record, expectedVersion, itemKeys(record)),
  listByClient: (clientId: string, limit: number, cursor?: string): Promise<Page<ApiKeyRecord>> =>
    versionedStore.queryPage<ApiKeyRecord>({ index: GSI1, pkName: 'gsi1pk', pkValue: `CLIENT#${clientId}#APIKEYS`, limit, cursor, ascending: true }),
};
