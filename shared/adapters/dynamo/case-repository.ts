import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../../errors';
import { nowIso } from '../clock';
import { config } from '../config';
import type { Case, Communication, TimelineEvent } from '../../schemas/case';
import { batchGet, batchPut, type BatchOptions } from './batch';
import { dynamo, writeIf } from './client';
import { decodeCursor, encodeCursor, invalidCursor, startKey, type Page } from './cursor';
import { GSI1, GSI2, SEARCH_INDEXES, caseChildKeys, keys, searchPartition, searchValue, stripKeys, type SearchField } from './keys';
import { invoiceHomeId, normaliseInvoiceNumber } from '../../domain/import-plan';
import { versionedStore } from './versioned-store';

function caseItemKeys(c: Case) {
  return {
    ...keys.case(c.caseId),
    ...keys.caseLists(c.clientId, c.phase, c.createdAt, c.caseId),
    ...keys.caseSearch(c.clientId, c.caseId, { name: c.debtor.name, email: c.debtor.email, phone: c.debtor.phone, caseNumber: c.clientCaseNumber }),
  };
}

/** The case record is the truth; every change names the version it replaces (optimistic locking). */
export const cases = {
  async get(id: string): Promise<Case> {
    const found = await cases.find(id);
    if (!found) throw new NotFoundError('case', id);
    return found;
  },
  /**
   * The key of a case is also the home of its first invoice number; the homes of other invoice
   * numbers hold pointers (`caseId` naming another case, see import-repository.ts), never a case.
   */
  async find(id: string): Promise<Case | undefined> {
    const found = await versionedStore.find<Case>(keys.case(id));
    return found?.caseId === id ? found : undefined;
  },

  /** Several cases at once (consistent reads, batched); an id with no case is absent from the map. */
  async findMany(ids: readonly string[], opts: BatchOptions = {}): Promise<Map<string, Case>> {
    const found = ids.length ? await batchGet(ids.map((id) => keys.case(id)), opts) : new Map<string, Record<string, unknown>>();
    const out = new Map<string, Case>();
    for (const id of ids) {
      const item = found.get(keys.case(id).pk);
      if (item?.caseId === id) out.set(id, stripKeys<Case>(item));
    }
    return out;
  },

  create: (c: Case) => versionedStore.create('case', c, caseItemKeys(c)),

  /** Replaces the case if still at `c.version`; returns it at the next version. */
  replace: (c: Case) => versionedStore.replace('case', { ...c, updatedAt: nowIso() }, c.version, caseItemKeys(c)),

  /** Item and keys as a BatchWrite put request, for bulk creation by the importer. */
  toItem: (c: Case) => ({ ...c, ...caseItemKeys(c), type: 'case' }),

  /**
   * One page of a client's cases, oldest first: in one phase from GSI2, else from GSI1; a
   * portfolio filters the page read (a page may then hold fewer than `limit`; follow the cursor).
   */
  async listByClient(clientId: string, opts: { phase?: string; portfolio?: string; limit: number; cursor?: string }): Promise<Page<Case>> {
    const [index, pkName, pkValue] = opts.phase ? [GSI2, 'gsi2pk', `CLIENT#${clientId}#PHASE#${opts.phase}`] : [GSI1, 'gsi1pk', `CLIENT#${clientId}#CASES`];
    if (!opts.portfolio) return versionedStore.queryPage<Case>({ index, pkName, pkValue, limit: opts.limit, cursor: opts.cursor, ascending: true });
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().TABLE_NAME,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: '#portfolio = :portfolio',
        ExpressionAttributeNames: { '#pk': pkName, '#portfolio': 'portfolio' },
        ExpressionAttributeValues: { ':pk': pkValue, ':portfolio': opts.portfolio },
        Limit: opts.limit,
        ExclusiveStartKey: await startKey(opts.cursor, { [pkName]: pkValue }),
      }),
    );
    return { items: (out.Items ?? []).map((i) => stripKeys<Case>(i)), cursor: await encodeCursor(out.LastEvaluatedKey) };
  },

  /**
   * The client's cases whose debtor name, email, phone or client case number starts with `q`, or
   * that hold invoice number `q`: one bounded Query per search index (KEYS_ONLY, `limit` each) and
   * one GetItem of the invoice number's home, then the cases by key. At most `limit` matches,
   * oldest first; no table scan.
   */
  async search(clientId: string, q: string, limit: number): Promise<Case[]> {
    const fields = (Object.keys(SEARCH_INDEXES) as SearchField[]).filter((f) => f !== 'phone' || looksLikePhone(q));
    const found = await Promise.all([
      ...fields.map(async (field) => {
        const value = searchValue[field](q);
        if (!value) return [];
        const index = SEARCH_INDEXES[field];
        const out = await dynamo().send(
          new QueryCommand({
            TableName: config().TABLE_NAME,
            IndexName: index.indexName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
            ExpressionAttributeValues: { ':pk': searchPartition(clientId, field), ':prefix': value },
            Limit: limit,
          }),
        );
        return (out.Items ?? []).map((i) => String(i[index.sortKey]).split('#').pop()!);
      }),
      (async () => {
        // An invoice number's home holds the case it opened, or a pointer to the case that holds it.
        const home = await versionedStore.find<{ caseId?: string }>(keys.case(invoiceHomeId(clientId, normaliseInvoiceNumber(q))));
        return home?.caseId ? [home.caseId] : [];
      })(),
    ]);
    const ids = [...new Set(found.flat())];
    const byId = await cases.findMany(ids);
    return [...byId.values()]
      .filter((c) => c.clientId === clientId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.caseId.localeCompare(b.caseId))
      .slice(0, limit);
  },
};

/** Only a query made of phone characters with a few digits is looked up as a phone (else "INV-1" would match every +1 number). */
const looksLikePhone = (q: string) => /^[+\d\s().-]+$/.test(q) && q.replace(/\D/g, '').length >= 4;

export const timeline = {
  async append(caseId: string, event: Omit<TimelineEvent, 'at'> & { at?: string }): Promise<TimelineEvent> {
    const e: TimelineEvent = { ...event, at: event.at ?? nowIso() };
    await dynamo().send(new PutCommand({ TableName: config().TABLE_NAME, Item: newTimelineItem(caseId, e) }));
    return e;
  },
  /** Several events of one change (a phase change's entries) in one request, in their order. */
  async appendMany(caseId: string, events: (Omit<TimelineEvent, 'at'> & { at?: string })[]): Promise<void> {
    if (events.length === 1) {
      await timeline.append(caseId, events[0]!);
      return;
    }
    const at = nowIso();
    const stamp = orderStamp();
    // One stamp and the position after it: the events keep their order among themselves.
    await batchPut(events.map((event, k) => timelineItem(caseId, { ...event, at: event.at ?? at }, `${stamp}-${String(k).padStart(4, '0')}-${randomUUID()}`)));
  },
  /**
   * One page of a case's timeline: first the events the case item carries (`importEvents`, pass
   * them as `carried`; nothing can happen to a case before it exists), then the stored events
   * in time order. A cursor inside the carried events is `{ carried: n }`, else the query's key.
   */
  async list(caseId: string, limit = 100, cursor?: string, carried: readonly TimelineEvent[] = []): Promise<Page<TimelineEvent>> {
    const start = await decodeCursor(cursor);
    const inCarried = typeof start?.carried === 'number';
    if (inCarried && !(Number.isInteger(start!.carried) && (start!.carried as number) >= 0 && Object.keys(start!).length === 1)) throw invalidCursor();
    const skip = inCarried ? (start!.carried as number) : start ? carried.length : 0;
    const head = carried.slice(skip, skip + limit);
    if (head.length === limit) return { items: head, cursor: await encodeCursor({ carried: skip + limit }) };
    const from = inCarried ? undefined : await startKey(cursor, { pk: `CASE#${caseId}` }, { sk: 'EVT#' });
    const page = await queryChildren<TimelineEvent & { eventType?: string }>(caseId, 'EVT#', limit - head.length, from);
    return { items: [...head, ...page.items.map(({ eventType, ...e }) => ({ ...e, type: eventType ?? e.type }))], cursor: await encodeCursor(page.lastKey) };
  },
};

/**
 * Orders events written in the same instant in the order they happened: virtual time makes
 * many events share one instant locally, and a random suffix alone would shuffle them.
 * Monotonic within a process; on AWS events of one case in the same millisecond are rare.
 */
function orderStamp(): string {
  return process.hrtime.bigint().toString().padStart(20, '0');
}

/**
 * A timeline event as an item. The item's `type` attribute names the kind of item (and is
 * stripped on read), so the event's own type travels as `eventType`. `unique` orders events
 * of the same instant; a deterministic one makes a replayed write overwrite instead of add.
 */
export function timelineItem(caseId: string, e: TimelineEvent, unique: string) {
  return { ...e, ...caseChildKeys.timeline(caseId, e.at, unique), type: 'timeline', eventType: e.type };
}

/** A timeline event happening now, after everything this process has recorded before it. */
function newTimelineItem(caseId: string, e: TimelineEvent) {
  return timelineItem(caseId, e, `${orderStamp()}-${randomUUID()}`);
}

/** A communication as an item under its case, and on its client's lists when it names its client (every one written since the lists exist). */
function communicationItem(caseId: string, c: Communication) {
  return { ...c, ...caseChildKeys.communication(caseId, c.key), ...(c.clientId ? keys.communicationLists(c.clientId, c.status, c.at, caseId, c.key) : {}), type: 'communication' };
}

/** The condition of a write that may only replace a communication in `status`. */
const whileStatus = (status: Communication['status']) => ({
  ConditionExpression: '#status = :status',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':status': status },
});
/** A send that failed (the provider refused it for now). */
const WHILE_FAILED = whileStatus('failed');
/** A send a try claimed and has not settled. */
const WHILE_SENDING = whileStatus('sending');

export const communications = {
  /**
   * Claims the idempotency key of a send. Returns false when that key was claimed before:
   * the caller must not send again (at-most-once: a crash between claim and send leaves
   * status `sending`, which we report as `unknown` rather than risk a second message).
   */
  claim: (caseId: string, c: Communication) => putCommunicationIf(caseId, c, { ConditionExpression: 'attribute_not_exists(pk)' }),

  /**
   * Claims a key again after its send failed before leaving (the provider refused it): a
   * Step Functions retry may then send. Only a `failed` claim can be taken again.
   */
  reclaimFailed: (caseId: string, c: Communication) => putCommunicationIf(caseId, c, WHILE_FAILED),

  /**
   * Records a send left `sending` by a try that never settled it as `unknown`; only while it is
   * still `sending` (that try's own outcome, when it comes, replaces this).
   */
  markUnknownWhileSending: (caseId: string, c: Communication) => putCommunicationIf(caseId, c, WHILE_SENDING),

  /**
   * Records a refused send as given up (its step's retries are spent), so nothing sends it
   * later; only while it is still `failed`.
   */
  giveUp: (caseId: string, c: Communication, reason: string) => putCommunicationIf(caseId, { ...c, retryable: false, reason }, WHILE_FAILED),

  async get(caseId: string, key: string): Promise<Communication | undefined> {
    const out = await dynamo().send(new GetCommand({ TableName: config().TABLE_NAME, Key: caseChildKeys.communication(caseId, key), ConsistentRead: true }));
    return out.Item ? stripKeys<Communication>(out.Item) : undefined;
  },

  /**
   * Settles a claimed send and adds its timeline entry in one request: both writes are
   * unconditional once the claim is ours, so the communication goes as a whole item (the claim
   * plus its outcome) next to the timeline item in one BatchWrite.
   */
  async settleWithEvent(caseId: string, claimed: Communication, outcome: Pick<Communication, 'status'> & Partial<Pick<Communication, 'providerId' | 'reason' | 'recipient' | 'retryable'>>, event: Omit<TimelineEvent, 'at'>): Promise<void> {
    const settled: Communication = { ...claimed, ...outcome };
    await batchPut([communicationItem(caseId, settled), newTimelineItem(caseId, { ...event, at: nowIso() })]);
  },

  /** One page of a case's communications, by key; `cursor` is the previous page's, signed. */
  async list(caseId: string, limit = 100, cursor?: string): Promise<Page<Communication>> {
    const page = await queryChildren<Communication>(caseId, 'COMM#', limit, await startKey(cursor, { pk: `CASE#${caseId}` }, { sk: 'COMM#' }));
    return { items: page.items, cursor: await encodeCursor(page.lastKey) };
  },

  /**
   * One page of a client's communications across its cases, newest first: GSI2 in one status,
   * else GSI1; a channel filters the page read (a page may then hold fewer than `limit`; the
   * cursor goes on). Each with its case's id.
   */
  async listByClient(clientId: string, opts: { channel?: string; status?: string; limit: number; cursor?: string }): Promise<Page<Communication & { caseId: string }>> {
    const [index, pkName, pkValue] = opts.status ? [GSI2, 'gsi2pk', `CLIENT#${clientId}#COMMS#${opts.status}`] : [GSI1, 'gsi1pk', `CLIENT#${clientId}#COMMS`];
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().TABLE_NAME,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ...(opts.channel
          ? { FilterExpression: '#channel = :channel', ExpressionAttributeNames: { '#pk': pkName, '#channel': 'channel' }, ExpressionAttributeValues: { ':pk': pkValue, ':channel': opts.channel } }
          : { ExpressionAttributeNames: { '#pk': pkName }, ExpressionAttributeValues: { ':pk': pkValue } }),
        ScanIndexForward: false,
        Limit: opts.limit,
        ExclusiveStartKey: await startKey(opts.cursor, { [pkName]: pkValue }),
      }),
    );
    const items = (out.Items ?? []).map((i) => ({ ...stripKeys<Communication>(i), caseId: String(i.pk).slice('CASE#'.length) }));
    return { items, cursor: await encodeCursor(out.LastEvaluatedKey) };
  },

  /** Every communication whose key starts with `keyPrefix` (e.g. all attempts of one node), oldest key first. */
  async listByKeyPrefix(caseId: string, keyPrefix: string): Promise<Communication[]> {
    const out: Communication[] = [];
    let from: Record<string, unknown> | undefined;
    do {
      const page = await queryChildren<Communication>(caseId, `COMM#${keyPrefix}`, 100, from);
      out.push(...page.items);
      from = page.lastKey;
    } while (from);
    return out;
  },
};

/** Writes a communication if `condition` holds; false when it does not (someone claimed it first). */
function putCommunicationIf(
  caseId: string,
  c: Communication,
  condition: Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
): Promise<boolean> {
  return writeIf(new PutCommand({ TableName: config().TABLE_NAME, Item: communicationItem(caseId, c), ...condition }));
}

/**
 * One page of a case's items under `prefix`, from a key the caller checked (a signed cursor's,
 * or the previous page's own `lastKey` when a workflow reads every page itself: no cursor, so no
 * secret, leaves the function).
 */
async function queryChildren<T>(caseId: string, prefix: string, limit: number, from?: Record<string, unknown>): Promise<{ items: T[]; lastKey?: Record<string, unknown> }> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':prefix': prefix },
      Limit: limit,
      ExclusiveStartKey: from,
    }),
  );
  return { items: (out.Items ?? []).map((i) => stripKeys<T>(i)), lastKey: out.LastEvaluatedKey };
}
