import { Readable } from 'node:stream';
import type { S3Event } from 'aws-lambda';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { dynamo } from '../../shared/adapters/dynamo/client';
import { dropBucket, s3 as dropS3 } from '../../shared/adapters/drop-bucket';
import { importLease } from '../../shared/adapters/dynamo/import-repository';
import { MAX_HAND_OVERS } from '../../shared/imports/hand-over';
import { importIdFor } from '../../shared/imports/import-ids';
import { importHandlerStack } from '../support/import-handler-stack';
import { HEADER, allCases, dropClient, putCsv } from '../support/imports';

// Small chunks, so the import has written several before the error stops it.
const stack = importHandlerStack();

/** 200 debtors with two invoices each. */
function file(): string {
  const lines = [HEADER];
  for (let d = 0; d < 200; d++) for (let k = 0; k < 2; k++) lines.push(`,Debtor ${d},d${d}@example.com,,,D${d}-${k},2025-12-01,${d + 1}.0${k},,`);
  return lines.join('\n');
}

type Send = (...args: unknown[]) => Promise<unknown>;
// The import's own DynamoDB client, taken once the stack has set the environment.
let doc: { send: Send };
let realSend: Send;
beforeAll(() => {
  doc = dynamo() as unknown as { send: Send };
  realSend = doc.send;
});
afterEach(() => {
  doc.send = realSend;
});

/** Runs `before` ahead of the n-th BatchWriteItem the import sends (every one, with n = 0). */
function beforeBatchWrite(n: number, before: () => Promise<void>): void {
  let writes = 0;
  doc.send = async function (this: unknown, ...args: unknown[]) {
    if ((args[0] as object).constructor.name === 'BatchWriteCommand' && (n === 0 || ++writes === n)) await before();
    return realSend.apply(this, args);
  };
}

it('an import stopped by a reset connection says failed, where, why and how to resume; invoked again it is processing and completes', async () => {
  const created = await stack().api.post('/clients', { companyInfo: { name: 'Acme' }, finances: { currency: 'EUR' } });
  const clientId = created.body.clientId as string;
  const key = `${clientId}/cases.csv`;
  const s3 = dropClient(stack().urls.s3);
  await putCsv(s3, key, file());
  s3.destroy();
  const head = (await dropBucket.head('recoup-drop', key))!;
  const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'recoup-drop' }, object: { key, eTag: head.etag } } }] } as unknown as S3Event;
  const { handler } = await import('../../functions/import-csv/handler');
  const context = { getRemainingTimeInMillis: () => 900_000 };

  // 1. The connection is reset in the middle of the import (several chunks checkpointed by then).
  beforeBatchWrite(12, async () => {
    throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  });
  await expect(handler(event, context)).rejects.toThrow('socket hang up');
  doc.send = realSend;

  const listed = (await stack().api.get(`/clients/${clientId}/imports`)).body.items;
  expect(listed).toHaveLength(1);
  const failed = (await stack().api.get(`/imports/${listed[0].importId}`)).body;
  expect(failed.status).toBe('failed');
  expect(failed.resumable).toBe(true);
  expect(failed.progress.rowsDone).toBeGreaterThan(0);
  expect(failed.progress.rowsDone).toBeLessThan(400);
  expect(failed.failureReason).toContain(`after data row ${failed.progress.rowsDone} (rows 1-${failed.progress.rowsDone} are imported)`);
  expect(failed.failureReason).toContain('socket hang up');
  expect(failed.failureReason).toMatch(/Lambda retries a failed invocation twice, then the ImportFailures queue keeps the event; invoking the import function with that message's requestPayload/);

  // 2. Lambda's retry (the same event): the record is processing again while it works, then completed.
  const seen: string[] = [];
  beforeBatchWrite(0, async () => {
    if (seen.length === 0) seen.push((await stack().api.get(`/imports/${failed.importId}`)).body.status);
  });
  const [result] = await handler(event, context);
  expect(result).toMatchObject({ outcome: 'done', importId: failed.importId, status: 'completed' });
  expect(seen).toEqual(['processing']);
  const done = (await stack().api.get(`/imports/${failed.importId}`)).body;
  expect(done).toMatchObject({ status: 'completed', counts: { rows: 400, created: 200, merged: 200, duplicates: 0, rejected: 0 } });
  expect(done.failureReason).toBeUndefined();
  expect(done.resumable).toBeUndefined();
  const cases = await allCases(stack().api, clientId);
  expect(cases).toHaveLength(200);
  expect(cases.flatMap((c) => c.invoices)).toHaveLength(400);
});

it('an import that fails for good (not a CSV) is not resumed by a retry', async () => {
  const created = await stack().api.post('/clients', { companyInfo: { name: 'Acme' }, finances: { currency: 'EUR' } });
  const clientId = created.body.clientId as string;
  const key = `${clientId}/cases.txt`;
  const s3 = dropClient(stack().urls.s3);
  await putCsv(s3, key, file());
  s3.destroy();
  const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'recoup-drop' }, object: { key } } }] } as unknown as S3Event;
  const { handler } = await import('../../functions/import-csv/handler');
  const context = { getRemainingTimeInMillis: () => 900_000 };
  const [first] = await handler(event, context);
  expect(first).toMatchObject({ outcome: 'done', status: 'failed' });
  const [again] = await handler(event, context);
  expect(again).toMatchObject({ outcome: 'done', status: 'failed' });
  const imp = (await stack().api.get(`/clients/${clientId}/imports`)).body.items[0];
  expect(imp.resumable).toBeUndefined();
  expect(imp.failureReason).toMatch(/only \.csv files are imported/);
});

it('an import that waited for another import of its client through the longest chain Lambda allows stops, failed and resumable, naming the holder; once the lease is free it resumes', async () => {
  const created = await stack().api.post('/clients', { companyInfo: { name: 'Acme' }, finances: { currency: 'EUR' } });
  const clientId = created.body.clientId as string;
  const key = `${clientId}/waiting.csv`;
  const s3 = dropClient(stack().urls.s3);
  await putCsv(s3, key, file());
  s3.destroy();
  const head = (await dropBucket.head('recoup-drop', key))!;
  // Another import of the client holds the lease for an hour.
  await importLease.acquire(clientId, 'im_other', stack().clock.now(), 3_600_000);
  const { handler } = await import('../../functions/import-csv/handler');
  // The last hand-over the chain may make, with no time left to wait in this invocation.
  const event = { source: 'recoup.import' as const, action: 'continue' as const, bucket: 'recoup-drop', key, etag: head.etag, importId: importIdFor('recoup-drop', key, head.etag), hop: MAX_HAND_OVERS };
  await expect(handler(event, { getRemainingTimeInMillis: () => 1_000 })).rejects.toThrow(/waited for import im_other of the same client/);
  const failed = (await stack().api.get(`/imports/${event.importId}`)).body;
  expect(failed).toMatchObject({ status: 'failed', resumable: true });
  expect(failed.failureReason).toMatch(/waited for import im_other of the same client, which holds the client's import lease, through 11 invocations in a row; it does not invoke itself again, as Lambda would stop a longer chain as a recursive loop/);
  expect(failed.failureReason).toMatch(/invoking the import function with that message's requestPayload/);

  // The other import finishes; the failure queue's event, invoked again, resumes the import.
  await importLease.release(clientId, 'im_other');
  const [result] = await handler(event, { getRemainingTimeInMillis: () => 900_000 });
  expect(result).toMatchObject({ outcome: 'done', status: 'completed' });
  expect((await stack().api.get(`/imports/${event.importId}`)).body.counts).toMatchObject({ rows: 400, created: 200, merged: 200 });
});

it('a connection reset while the file streams is read on from where it broke: the import completes, every row once', async () => {
  const created = await stack().api.post('/clients', { companyInfo: { name: 'Acme' }, finances: { currency: 'EUR' } });
  const clientId = created.body.clientId as string;
  const key = `${clientId}/reset.csv`;
  const s3 = dropClient(stack().urls.s3);
  await putCsv(s3, key, file());
  s3.destroy();
  const head = (await dropBucket.head('recoup-drop', key))!;
  const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'recoup-drop' }, object: { key, eTag: head.etag } } }] } as unknown as S3Event;
  const { handler } = await import('../../functions/import-csv/handler');

  // The first GET's body breaks a third of the way in, as a reset socket does after the response headers came.
  const client = dropS3() as unknown as { send: Send };
  const send = client.send;
  const ranges: (string | undefined)[] = [];
  client.send = async function (this: unknown, ...args: unknown[]) {
    const out = (await send.apply(this, args)) as { Body?: Readable };
    const cmd = args[0] as { constructor: { name: string }; input: { Key?: string; Range?: string } };
    if (cmd.constructor.name !== 'GetObjectCommand' || cmd.input.Key !== key) return out;
    ranges.push(cmd.input.Range);
    if (ranges.length > 1) return out;
    // Bytes that arrived before the reset are read first (a Transform's error would discard them
    // when the first network chunk is larger than a third of the file).
    const cutAt = Math.floor(head.size / 3);
    async function* brokenAtAThird(body: Readable) {
      let passed = 0;
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (passed + chunk.length < cutAt) {
          passed += chunk.length;
          yield chunk;
          continue;
        }
        yield chunk.subarray(0, cutAt - passed);
        body.destroy();
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
    }
    return { ...out, Body: Readable.from(brokenAtAThird(out.Body!)) };
  };
  try {
    const [result] = await handler(event, { getRemainingTimeInMillis: () => 900_000 });
    expect(result).toMatchObject({ outcome: 'done', status: 'completed' });
  } finally {
    client.send = send;
  }
  expect(ranges).toEqual([undefined, `bytes=${Math.floor(head.size / 3)}-`]);
  const imp = (await stack().api.get(`/clients/${clientId}/imports`)).body.items[0];
  expect(imp.counts).toEqual({ rows: 400, created: 200, merged: 200, duplicates: 0, rejected: 0 });
  const cases = await allCases(stack().api, clientId);
  expect(cases.flatMap((c) => c.invoices.map((i: any) => i.invoiceNumber)).sort()).toEqual(
    Array.from({ length: 200 }, (_, d) => [`D${d}-0`, `D${d}-1`]).flat().sort(),
  );
});
