import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { dynamo } from './client';
import { keys } from './keys';

/** What a client's skip-trace lookups cost so far, in one currency. */
export interface EnrichmentSpend {
  currency: string;
  /** Lookups bought (answered by the provider). */
  attempts: number;
  costMinor: number;
}

const PREFIX = 'ENRICHMENT-SPEND#';

/**
 * A counter per client and currency, added to as lookups are bought (UpdateItem ADD: no read,
 * no version, so sweeps running side by side never conflict), read with one Query of the
 * client's partition. Kept per currency because a client may change its finances' currency.
 */
export const enrichmentSpend = {
  async add(clientId: string, currency: string, costMinor: number): Promise<void> {
    await dynamo().send(
      new UpdateCommand({
        TableName: config().TABLE_NAME,
        Key: keys.enrichmentSpend(clientId, currency),
        UpdateExpression: 'ADD attempts :one, costMinor :cost SET #type = :type, currency = :currency, clientId = :client',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':cost': costMinor, ':type': 'enrichment_spend', ':currency': currency, ':client': clientId },
      }),
    );
  },

  async list(clientId: string): Promise<EnrichmentSpend[]> {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `CLIENT#${clientId}`, ':prefix': PREFIX },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => ({ currency: String(i.currency), attempts: Number(i.attempts ?? 0), costMinor: Number(i.costMinor ?? 0) })).sort((a, b) => a.currency.localeCompare(b.currency));
  },
};
