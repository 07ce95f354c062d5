import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { GSI1, GSI2, SEARCH_INDEXES } from './keys';

/**
 * The table's shape in one place: the local runtime creates it from this, and the CDK
 * storage construct declares the same keys and indexes (asserted by an infra test).
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
/**
 * GSI1 and GSI2 project every attribute (lists read whole records). The case-search indexes
 * project keys only: a search reads the matching cases by key afterwards, and an index that
 * projects keys only is written only when its key attributes change, so the many writes that
 * move a case's workflow progress cost no index write
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Writes).
 * DynamoDB creates one index per table update: a stack deployed before the search indexes
 * existed gets them over four deployments (add one entry of SEARCH_INDEXES at a time).
 */
export const TABLE_INDEXES: readonly { indexName: string; partitionKey: string; sortKey: string; projection: 'ALL' | 'KEYS_ONLY' }[] = [
  { indexName: GSI1, partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
  { indexName: GSI2, partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL' },
  ...Object.values(SEARCH_INDEXES).map((i) => ({ ...i, projection: 'KEYS_ONLY' as const })),
];

export function createTableInput(tableName: string): CreateTableCommandInput {
  const attrs = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const i of TABLE_INDEXES) attrs.add(i.partitionKey).add(i.sortKey);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE_INDEXES.map((i) => ({
      IndexName: i.indexName,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: i.projection },
    })),
  };
}
