import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeMessageVisibilityCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../infra/local/sqs/local-queue';
import { createSqsServer, localQueueUrl } from '../../infra/local/sqs/server';
import { startEventSource } from '../../infra/local/sqs/event-source';
import { createLambdaInvokeServer, LocalFunctionRegistry } from '../../infra/local/lambda-invoke-server';
import { close, listen } from '../../infra/local/stand-ins';
import { VirtualClock } from '../../infra/local/virtual-clock';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'recoup-sqs-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(server: Server): Promise<string> {
  const port = await listen(server, 0, 'test endpoint');
  cleanups.push(() => close(server));
  return `http://127.0.0.1:${port}`;
}

async function queueEndpoint(dir: string, maxReceiveCount = 5) {
  const queue = new LocalQueue({ name: 'recoup-start', dir, visibilityTimeoutMs: 30_000, maxReceiveCount });
  cleanups.push(() => queue.close());
  const endpoint = await serve(createSqsServer([queue]));
  const sqs = new SQSClient({ endpoint, region: 'eu-west-1', credentials });
  cleanups.push(() => sqs.destroy());
  return { queue, sqs, url: localQueueUrl(endpoint, 'recoup-start') };
}

describe('the local SQS endpoint (the real SQS client, AWS JSON 1.0)', () => {
  it('sends, receives, hides, deletes, and refuses what SQS refuses', async () => {
    const { sqs, url } = await queueEndpoint(tempDir());
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['a', 'b', 'c'].map((x) => ({ Id: x, MessageBody: JSON.stringify({ x }) })) }));
    expect(sent.Successful?.map((s) => s.Id)).toEqual(['a', 'b', 'c']);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'single' }));

    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual(['{"x":"a"}', '{"x":"b"}', '{"x":"c"}', 'single']);
    // In flight: nothing visible until the visibility timeout, or a change to 0.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages ?? []).toEqual([]);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: got.Messages![3]!.ReceiptHandle, VisibilityTimeout: 0 }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(again.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['single', '2']]);
    // The first receipt handle of a message received again is stale.
    const del = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [...got.Messages!.slice(0, 3), got.Messages![3]!].map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
    expect(del.Successful?.map((s) => s.Id)).toEqual(['d0', 'd1', 'd2']);
    expect(del.Failed?.map((f) => [f.Id, f.Code])).toEqual([['d3', 'ReceiptHandleIsInvalid']]);

    const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: eleven }))).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequest' });
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'same', MessageBody: 'x' }, { Id: 'same', MessageBody: 'y' }] }))).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url.replace('recoup-start', 'other'), MessageBody: 'x' }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('keeps every message not deleted across a restart, in flight ones included', async () => {
    const dir = tempDir();
    const first = new LocalQueue({ name: 'q', dir, visibilityTimeoutMs: 30_000, maxReceiveCount: 5 });
    first.send(['one', 'two', 'three']);
    const [one, two] = first.receive(2);
    first.delete(one!.receipt!);
    expect(two!.body).toBe('two');
    first.close();

    const second = new LocalQueue({ name: 'q', dir, visibilityTimeoutMs: 30_000, maxReceiveCount: 5 });
    cleanups.push(() => second.close());
    expect(second.receive(10).map((m) => m.body)).toEqual(['two', 'three']);
  });
  it('counts receives across restarts, so a message that keeps failing is dead-lettered after maxReceiveCount however often the stack restarts', () => {
    const dir = tempDir();
    const open = () => new LocalQueue({ name: 'q', dir, visibilityTimeoutMs: 30_000, maxReceiveCount: 2 });
    const first = open();
    first.send(['poison', 'fine']);
    expect(first.receive(10).map((m) => m.receives)).toEqual([1, 1]);
    first.close();
    // The consumer died with the stack; each restart compacts the journal and hands the messages out again.
    const second = open();
    expect(second.receive(1).map((m) => [m.body, m.receives])).toEqual([['poison', 2]]);
    second.close();
    const third = open();
    cleanups.push(() => third.close());
    expect(third.receive(10).map((m) => [m.body, m.receives])).toEqual([['fine', 2]]);
    expect(third.deadLetters.map((m) => m.body)).toEqual(['poison']);
  });

  it('lets a consumer still finishing after the stop delete its message, which comes back at the next start', () => {
    const dir = tempDir();
    const first = new LocalQueue({ name: 'q', dir, visibilityTimeoutMs: 30_000, maxReceiveCount: 5 });
    first.send(['late']);
    const [late] = first.receive(1);
    first.close();
    // The consumer runs on after the stop; its delete must not throw out of its callback.
    expect(() => first.delete(late!.receipt!)).not.toThrow();
    expect(() => first.send(['after'])).toThrow(/closed/);

    const second = new LocalQueue({ name: 'q', dir, visibilityTimeoutMs: 30_000, maxReceiveCount: 5 });
    cleanups.push(() => second.close());
    expect(second.receive(10).map((m) => m.body)).toEqual(['late']);
  });
});

describe("the start queue's event source mapping", () => {
  it('deletes what the consumer did, hands back its batch item failures, and dead-letters after maxReceiveCount', async () => {
    const queue = new LocalQueue({ name: 'q', dir: tempDir(), visibilityTimeoutMs: 30_000, maxReceiveCount: 3 });
    cleanups.push(() => queue.close());
    const clock = new VirtualClock(new Date('2026-01-05T09:00:00.000Z'));
    const seen: string[][] = [];
    const mapping = startEventSource(
      queue,
      clock,
      async (event) => {
        seen.push(event.Records.map((r) => JSON.parse(r.body) as string));
        return { batchItemFailures: event.Records.filter((r) => r.body === '"bad"').map((r) => ({ itemIdentifier: r.messageId })) };
      },
      { batchSize: 10, maxConcurrency: 5, retryAfterMs: 5, log: () => undefined },
    );
    cleanups.push(() => mapping.stop());
    queue.send(['good-1', 'bad', 'good-2'].map((b) => JSON.stringify(b)));
    await expect.poll(() => mapping.stats().deadLetters, { timeout: 5_000 }).toEqual(['bad']);
    expect(seen).toEqual([['good-1', 'bad', 'good-2'], ['bad'], ['bad']]);
    expect(mapping.stats()).toMatchObject({ sent: 3, succeeded: 2, redelivered: 2, inFlight: 0 });
  });

  it('hands a message out once while its consumer works on it, however long the batch takes', async () => {
    const queue = new LocalQueue({ name: 'q', dir: tempDir(), visibilityTimeoutMs: 30_000, maxReceiveCount: 5 });
    cleanups.push(() => queue.close());
    const clock = new VirtualClock(new Date('2026-01-05T09:00:00.000Z'));
    const seen: string[] = [];
    const mapping = startEventSource(
      queue,
      clock,
      async (event) => {
        seen.push(...event.Records.map((r) => JSON.parse(r.body) as string));
        // Far longer than a failed message's return: the batch is still being worked on.
        await new Promise((r) => setTimeout(r, 60));
        return { batchItemFailures: [] };
      },
      { batchSize: 1, maxConcurrency: 3, retryAfterMs: 5, log: () => undefined },
    );
    cleanups.push(() => mapping.stop());
    queue.send(['a', 'b'].map((b) => JSON.stringify(b)));
    await expect.poll(() => mapping.stats().inFlight, { timeout: 5_000 }).toBe(0);
    expect(seen.sort()).toEqual(['a', 'b']);
    expect(mapping.stats()).toMatchObject({ sent: 2, succeeded: 2, redelivered: 0 });
  });
});

describe('the local Lambda endpoint', () => {
  it('runs an asynchronous invocation of a known function and refuses an unknown one', async () => {
    const registry = new LocalFunctionRegistry();
    const got: unknown[] = [];
    registry.register('recoup-import-csv', (payload) => got.push(payload));
    const endpoint = await serve(createLambdaInvokeServer(registry));
    const lambda = new LambdaClient({ endpoint, region: 'eu-west-1', credentials });
    cleanups.push(() => lambda.destroy());

    const out = await lambda.send(new InvokeCommand({ FunctionName: 'recoup-import-csv', InvocationType: 'Event', Payload: Buffer.from('{"action":"continue"}') }));
    expect(out.StatusCode).toBe(202);
    expect(got).toEqual([{ action: 'continue' }]);
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'recoup-send-email', InvocationType: 'Event', Payload: Buffer.from('{}') }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
