import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { logger } from '../logger';
import { nonZero, type Adds } from '../../domain/results';
import { batchGet } from './batch';
import { dynamo } from './client';
import { counterKeys, OPERATIONS_SHARDS } from './keys';

/**
 * Counter items: one UpdateItem ... ADD per item and change (never a read first, never a scan).
 * No transactions (see ACCESS-PATTERNS.md), so a counter follows the write it counts, made by
 * the same code path right after that write succeeded; what can make it drift is said there.
 * A counter that cannot be written is logged and does not fail the change it counts: the
 * payment, send or import stands, and only the figures lag.
 */
export async function addCounters(key: { pk: string; sk: string }, adds: Adds, set: Record<string, string> = {}): Promise<void> {
  const a = nonZero(adds);
  const names: Record<string, string> = { '#type': 'type' };
  const values: Record<string, unknown> = { ':type': 'counters' };
  const addParts: string[] = [];
  const setParts = ['#type = :type'];
  Object.entries(a).forEach(([n, v], i) => {
    names[`#a${i}`] = n;
    values[`:a${i}`] = v;
    addParts.push(`#a${i} :a${i}`);
  });
  Object.entries(set).forEach(([n, v], i) => {
    names[`#s${i}`] = n;
    values[`:s${i}`] = v;
    setParts.push(`#s${i} = :s${i}`);
  });
  if (!addParts.length && setParts.length === 1) return;
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: config().TABLE_NAME,
        Key: key,
        UpdateExpression: `SET ${setParts.join(', ')}${addParts.length ? ` ADD ${addParts.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (e) {
    logger.warn('counter not updated; its figures lag by this change', { pk: key.pk, sk: key.sk, adds: a, error: (e as Error).message });
  }
}

/**
 * Every counter item of a client's results in one Query of its partition (`RESULTS...`): the
 * totals, the money per currency and the import months per currency. Their number grows with
 * months and currencies, never with cases.
 */
export async function readResultsItems(clientId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': counterKeys.resultsTotals(clientId).pk, ':prefix': counterKeys.resultsTotals(clientId).sk },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every shard of the operations counters, in one BatchGetItem. */
export async function readOperationsShards(): Promise<Record<string, unknown>[]> {
  const got = await batchGet(Array.from({ length: OPERATIONS_SHARDS }, (_, s) => counterKeys.operations(s)));
  return [...got.values()];
}
