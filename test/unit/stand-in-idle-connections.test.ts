import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resetConfig } from '../../shared/adapters/config';
import { sdkClientOptions } from '../../shared/adapters/sdk-client-options';
import { startStandInThread, type StandInThread } from '../../infra/local/stand-in-thread';

let dynalite: StandInThread;
const previous = process.env.SDK_HTTP_MAX_SOCKETS;
beforeAll(async () => {
  // As the local stack runs the functions: keep-alive sockets, many of them.
  process.env.SDK_HTTP_MAX_SOCKETS = '256';
  resetConfig();
  dynalite = await startStandInThread('dynalite', 0, { createTableMs: 0 });
});
afterAll(async () => {
  await dynalite?.stop();
  if (previous === undefined) delete process.env.SDK_HTTP_MAX_SOCKETS;
  else process.env.SDK_HTTP_MAX_SOCKETS = previous;
  resetConfig();
});

it("a burst of requests after the functions' thread stalled finds the stand-in's connections still open", async () => {
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${dynalite.port}`, region: 'eu-west-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, maxAttempts: 8, ...sdkClientOptions() });
  const burst = async () => (await Promise.allSettled(Array.from({ length: 150 }, () => client.send(new ListTablesCommand({}))))).filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
  try {
    expect(await burst()).toEqual([]);
    // This thread stalls (a long GC pause of a big run) while the stand-in's thread goes on: longer
    // than Node's default 5 s keep-alive, after which the stand-in closed every idle socket at once.
    for (const until = Date.now() + 5_600; Date.now() < until; );
    expect(await burst()).toEqual([]);
  } finally {
    client.destroy();
  }
}, 30_000);
