import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { abstractLevelsOf } from '../../infra/local/stand-in-thread';

const require = createRequire(import.meta.url);
const dynalitePath = require.resolve('dynalite');
/** LevelDB iterators opened and not yet closed, seen through abstract-level's own next() and close(). */
const open = new Set<object>();
let server: Server;
let client: DynamoDBClient;

beforeAll(async () => {
  // As the stand-in's thread does before it loads dynalite.
  for (const path of abstractLevelsOf(dynalitePath)) {
    const level = require(path);
    require('../../infra/local/level-iterators.cjs').closeEndedIterators(level);
    const common = Object.getPrototypeOf(level.AbstractValueIterator.prototype);
    const { next, close } = common;
    common.next = function (this: object, ...args: unknown[]) {
      open.add(this);
      return next.apply(this, args);
    };
    common.close = function (this: object, ...args: unknown[]) {
      open.delete(this);
      return close.apply(this, args);
    };
  }
  server = require('dynalite')({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'eu-west-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await client.send(new CreateTableCommand({ TableName: 'cases', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], BillingMode: 'PAY_PER_REQUEST' }));
  for (let i = 0; i < 5; i++) await client.send(new PutItemCommand({ TableName: 'cases', Item: { pk: { S: 'client' }, sk: { S: `case#${i}` } } }));
});
afterAll(async () => {
  client?.destroy();
  await new Promise((r) => server?.close(r));
});

it("the local DynamoDB closes the store iterator of every Query and Scan it answers, so the store's snapshots and files do not pile up", async () => {
  const query = (limit?: number) => client.send(new QueryCommand({ TableName: 'cases', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'client' } }, Limit: limit }));
  for (let i = 0; i < 20; i++) {
    // Stopped by its Limit, read to the end of the range, and a scan of the table.
    expect((await query(2)).Items).toHaveLength(2);
    expect((await query()).Items).toHaveLength(5);
    expect((await client.send(new ScanCommand({ TableName: 'cases' }))).Items).toHaveLength(5);
  }
  await expect.poll(() => open.size, { timeout: 2_000 }).toBe(0);
});
