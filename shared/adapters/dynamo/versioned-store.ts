import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError, ConflictError, NotFoundError } from '../../errors';
import { config } from '../config';
import { dynamo, writeIf } from './client';
import { encodeCursor, startKey, type Page } from './cursor';
import { stripKeys } from './keys';

/** A record with optimistic locking: every write names the version it replaces. */
export interface Versioned {
  version: number;
}

type Keys = Record<string, string>;

/**
 * A record DynamoDB refuses for its size (an item holds at most 400 KB, names and values
 * together: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items)
 * is the caller's to shrink: a 413 that says so, not a 500.
 */
function tooLargeAs413(kind: string) {
  return (e: unknown): never => {
    if (e instanceof Error && e.name === 'ValidationException' && /maximum allowed size/.test(e.message)) {
      throw new AppError(413, 'too_large', `the ${kind} would be larger than the 400 KB a record can hold; shorten its templates or texts, or keep fewer of them`);
    }
    throw e;
  };
}

/** Single-item conditional writes stand in for transactions (dynalite has none). */
export const versionedStore = {
  async get<T>(kind: string, id: string, key: Keys): Promise<T> {
    const found = await this.find<T>(key);
    if (!found) throw new NotFoundError(kind, id);
    return found;
  },

  async find<T>(key: Keys): Promise<T | undefined> {
    const out = await dynamo().send(new GetCommand({ TableName: config().TABLE_NAME, Key: key, ConsistentRead: true }));
    return out.Item ? stripKeys<T>(out.Item) : undefined;
  },

  /** Creates the item; fails with 409 if an item with that key exists. */
  async create<T extends Versioned>(kind: string, record: T, itemKeys: Keys & { pk: string; sk: string }): Promise<T> {
    const written = await writeIf(
      new PutCommand({
        TableName: config().TABLE_NAME,
        Item: { ...record, ...itemKeys, type: kind },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ).catch(tooLargeAs413(kind));
    if (!written) throw new ConflictError(`${kind} already exists`);
    return record;
  },

  /** Replaces the item if it is still at `expectedVersion`; the stored version becomes expectedVersion + 1. */
  async replace<T extends Versioned>(kind: string, record: T, expectedVersion: number, itemKeys: Keys & { pk: string; sk: string }): Promise<T> {
    const next = { ...record, version: expectedVersion + 1 };
    const written = await writeIf(
      new PutCommand({
        TableName: config().TABLE_NAME,
        Item: { ...next, ...itemKeys, type: kind },
        ConditionExpression: 'attribute_exists(pk) AND version = :v',
        ExpressionAttributeValues: { ':v': expectedVersion },
      }),
    ).catch(tooLargeAs413(kind));
    if (!written) throw new ConflictError(`${kind} was changed by someone else (expected version ${expectedVersion}); read it again and retry`, 'stale_version');
    return next;
  },

  /** One page of an index query, newest first unless `ascending`. */
  async queryPage<T>(args: {
    index?: string;
    pkName: string;
    pkValue: string;
    limit: number;
    cursor?: string;
    ascending?: boolean;
  }): Promise<Page<T>> {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().TABLE_NAME,
        IndexName: args.index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': args.pkName },
        ExpressionAttributeValues: { ':pk': args.pkValue },
        Limit: args.limit,
        ScanIndexForward: args.ascending ?? false,
        ExclusiveStartKey: await startKey(args.cursor, { [args.pkName]: args.pkValue }),
      }),
    );
    return { items: (out.Items ?? []).map((i) => stripKeys<T>(i)), cursor: await encodeCursor(out.LastEvaluatedKey) };
  },
};
