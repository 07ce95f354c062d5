import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { config } from '../config';
import { dynamo } from './client';

/**
 * Bulk reads and writes (the importer's chunks, a step's communication and timeline entry,
 * enrichment registration): BatchWriteItem in 25s and BatchGetItem in 100s,
 * several requests in flight, and UnprocessedItems / UnprocessedKeys (DynamoDB's answer
 * under throttling or partition pressure) retried with exponential backoff and full jitter.
 * Throttling errors of the whole request are retried by the SDK client itself (maxAttempts).
 */
const WRITE_BATCH = 25;
const GET_BATCH = 100;
const MAX_ROUNDS = 12;

export interface BatchOptions {
  /** Requests in flight at once (the limiter's size when one is given, else 8). */
  concurrency?: number;
  /** A cap on requests in flight shared with other calls (e.g. all of one import's reads and writes). */
  limiter?: RequestLimiter;
  /** Base of the backoff between retries of unprocessed items, in ms. */
  baseDelayMs?: number;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * At most `max` requests in flight across every call that shares it, first come first served.
 * One import's reads of the next chunk and writes of the current one share one, so DynamoDB
 * always has work queued from the import but never more than that many requests.
 */
export class RequestLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next in line, or frees up.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

function limited(opts: BatchOptions): <T>(request: () => Promise<T>) => Promise<T> {
  const { limiter } = opts;
  return limiter ? (request) => limiter.run(request) : (request) => request();
}

/** Backoff with full jitter: a random wait in [0, base * 2^attempt), capped at 5 s. */
export function backoffMs(attempt: number, baseMs = 25): number {
  return Math.random() * Math.min(5_000, baseMs * 2 ** attempt);
}

export async function batchPut(items: Record<string, unknown>[], opts: BatchOptions = {}): Promise<void> {
  const table = config().TABLE_NAME;
  const groups: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += WRITE_BATCH) groups.push(items.slice(i, i + WRITE_BATCH));
  const limit = limited(opts);
  await mapLimit(groups, opts.concurrency ?? opts.limiter?.max ?? 8, async (group) => {
    let requests = group.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; requests.length; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`DynamoDB left ${requests.length} items unprocessed after ${MAX_ROUNDS} attempts (the table is throttling writes); nothing was lost: an import resumes from its checkpoint, a workflow step through its retry`);
      if (round > 0) await (opts.sleep ?? sleep)(backoffMs(round, opts.baseDelayMs));
      const out = await limit(() => dynamo().send(new BatchWriteCommand({ RequestItems: { [table]: requests } })));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  });
}

/** Reads items by key; the answer maps `pk` to the item (missing keys are absent). */
export async function batchGet(keys: { pk: string; sk: string }[], opts: BatchOptions & { projection?: string[] } = {}): Promise<Map<string, Record<string, unknown>>> {
  const table = config().TABLE_NAME;
  const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  const groups: { pk: string; sk: string }[][] = [];
  for (let i = 0; i < unique.length; i += GET_BATCH) groups.push(unique.slice(i, i + GET_BATCH));
  const found = new Map<string, Record<string, unknown>>();
  const projection = opts.projection
    ? { ProjectionExpression: opts.projection.map((_, i) => `#p${i}`).join(', '), ExpressionAttributeNames: Object.fromEntries(opts.projection.map((p, i) => [`#p${i}`, p])) }
    : {};
  const limit = limited(opts);
  await mapLimit(groups, opts.concurrency ?? opts.limiter?.max ?? 8, async (group) => {
    let pending: Record<string, unknown>[] = group;
    for (let round = 0; pending.length; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`DynamoDB left ${pending.length} keys unprocessed after ${MAX_ROUNDS} attempts`);
      if (round > 0) await (opts.sleep ?? sleep)(backoffMs(round, opts.baseDelayMs));
      const out = await limit(() => dynamo().send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true, ...projection } } })));
      for (const item of out.Responses?.[table] ?? []) found.set(item.pk as string, item);
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  });
  return found;
}

/** Runs `fn` over `items` with at most `limit` in flight; rejects on the first failure. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}
