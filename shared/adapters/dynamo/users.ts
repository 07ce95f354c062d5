import type { Role } from '../../auth/roles';
import { GSI1, GSI2, keys } from './keys';
import type { Page } from './cursor';
import { versionedStore } from './versioned-store';

/**
 * A person who signs in, as the API knows them. The id is the sign-in directory's `sub`
 * (Cognito on AWS), so a verified token finds its user with one read; role and client are
 * read from here, never trusted from the token. Passwords live in the directory only.
 */
export interface UserRecord {
  userId: string;
  email: string;
  name: string;
  role: Role;
  /** The one client a client role reaches. */
  clientId?: string;
  disabled: boolean;
  disabledAt?: string;
  /** Who created the user: a user's email, an API key or the admin token. */
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const itemKeys = (u: Pick<UserRecord, 'userId' | 'createdAt' | 'clientId'>) => ({ ...keys.user(u.userId), ...keys.userLists(u.createdAt, u.userId, u.clientId) });

export const users = {
  create: (record: UserRecord) => versionedStore.create('user', record, itemKeys(record)),
  find: (userId: string) => versionedStore.find<UserRecord>(keys.user(userId)),
  get: (userId: string) => versionedStore.get<UserRecord>('user', userId, keys.user(userId)),
  replace: (record: UserRecord, expectedVersion: number) => versionedStore.replace('user', record, expectedVersion, itemKeys(record)),
  list: (limit: number, cursor?: string): Promise<Page<UserRecord>> =>
    versionedStore.queryPage<UserRecord>({ index: GSI1, pkName: 'gsi1pk', pkValue: 'USERS', limit, cursor, ascending: true }),
  listByClient: (clientId: string, limit: number, cursor?: string): Promise<Page<UserRecord>> =>
    versionedStore.queryPage<UserRecord>({ index: GSI2, pkName: 'gsi2pk', pkValue: `CLIENT#${clientId}#USERS`, limit, cursor, ascending: true }),
};
