import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { invoiceHomeId, type InvoiceRecord, type KeyRecord } from '../../domain/import-plan';
import type { ImportRecord } from '../../schemas/import';
import { nowIso } from '../clock';
import { config } from '../config';
import { batchGet, type BatchOptions } from './batch';
import { dynamo, writeIf } from './client';
import type { Page } from './cursor';
import { GSI1, keys } from './keys';
import { versionedStore } from './versioned-store';

/**
 * The importer's items (see ACCESS-PATTERNS.md, "Import items"): the import record with its
 * checkpoint, the invoice numbers' homes (uniqueness per client: the case an invoice opened, or
 * a pointer to the case it was added to), one item per debtor match key, and a per-client lease
 * so only one import writes a client's index at a time.
 */
export const importItemKeys = {
  /** Where an invoice number lives: the key of the case it opens (a pointer item there otherwise). */
  invoice: (clientId: string, invoiceNumber: string) => keys.case(invoiceHomeId(clientId, invoiceNumber)),
  matchKey: (clientId: string, key: string) => ({ pk: `CLIENT#${clientId}#KEY#${key}`, sk: 'KEY' }),
  lease: (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'IMPORT-LEASE' }),
  /** Present once an import has begun to write the client's index (see `importIndex.beginWriting`). */
  indexMarker: (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'IMPORT-INDEX' }),
};

function recordKeys(r: Pick<ImportRecord, 'importId' | 'clientId' | 'createdAt'>) {
  return { ...keys.import(r.importId), ...keys.importList(r.clientId, r.createdAt, r.importId) };
}

export const imports = {
  get: (id: string) => versionedStore.get<ImportRecord>('import', id, keys.import(id)),
  find: (id: string) => versionedStore.find<ImportRecord>(keys.import(id)),

  /** Creates the record unless it exists; either way returns what is stored. */
  async createOrGet(record: ImportRecord): Promise<{ record: ImportRecord; created: boolean }> {
    try {
      await versionedStore.create('import', record, recordKeys(record));
      return { record, created: true };
    } catch (e) {
      const existing = await this.find(record.importId);
      if (existing) return { record: existing, created: false };
      throw e;
    }
  },

  /** Saves the record if nobody changed it since it was read (optimistic version). */
  save: (r: ImportRecord) => versionedStore.replace('import', { ...r, updatedAt: nowIso() }, r.version, recordKeys(r)),

  /**
   * Binds an upload announced through the API (a `pending` record) to the object that arrived,
   * once: the same object's events find it bound to their ETag; another object under the same
   * key gets an import of its own.
   */
  bindUpload: (importId: string, etag: string): Promise<boolean> =>
    writeIf(
      new UpdateCommand({
        TableName: config().TABLE_NAME,
        Key: keys.import(importId),
        UpdateExpression: 'SET etag = :e',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(etag) OR etag = :e)',
        ExpressionAttributeValues: { ':e': etag },
      }),
    ),

  list: (clientId: string, limit: number, cursor?: string): Promise<Page<ImportRecord>> =>
    versionedStore.queryPage<ImportRecord>({ index: GSI1, pkName: 'gsi1pk', pkValue: `CLIENT#${clientId}#IMPORTS`, limit, cursor, ascending: false }),
};

/** The per-client index the matching engine reads and writes in bulk. */
export const importIndex = {
  async invoices(clientId: string, invoiceNumbers: string[], opts: BatchOptions = {}): Promise<Map<string, InvoiceRecord>> {
    // A case answers with its `origin`, a pointer with its `by`: both say which import row wrote it.
    const homes = invoiceNumbers.map((n) => importItemKeys.invoice(clientId, n));
    const found = await batchGet(homes, { ...opts, projection: ['pk', 'caseId', 'by', 'origin'] });
    const out = new Map<string, InvoiceRecord>();
    for (const [i, n] of invoiceNumbers.entries()) {
      const item = found.get(homes[i]!.pk);
      if (item) out.set(n, { caseId: item.caseId as string, by: (item.by ?? item.origin) as InvoiceRecord['by'] });
    }
    return out;
  },

  async keys(clientId: string, matchKeys: string[], opts: BatchOptions = {}): Promise<Map<string, KeyRecord>> {
    const itemKeys = matchKeys.map((k) => importItemKeys.matchKey(clientId, k));
    const found = await batchGet(itemKeys, { ...opts, projection: ['pk', 'debtorId', 'cases', 'by', 'prev'] });
    const out = new Map<string, KeyRecord>();
    for (const [i, k] of matchKeys.entries()) {
      const item = found.get(itemKeys[i]!.pk);
      if (item) out.set(k, { debtorId: item.debtorId as string, cases: (item.cases ?? {}) as Record<string, string>, by: item.by as KeyRecord['by'], prev: item.prev as KeyRecord['prev'] });
    }
    return out;
  },

  /**
   * Called by an import holding the client's lease, before its first index write. Tells whether
   * the client's index was empty until now, then records that it no longer may be.
   *
   * Empty means both: no marker (every import writes it here, before its first index item, so
   * its absence means no import of this code ever wrote the client's index; a consistent read)
   * and no case in the client's case list (cases are only created by imports: this covers data
   * written before the marker existed, long visible in the index by now). `check: false` only
   * writes the marker (a resumed import does full lookups anyway).
   */
  async beginWriting(clientId: string, importId: string, at: string, check = true): Promise<{ empty: boolean }> {
    let empty = false;
    if (check) {
      const table = config().TABLE_NAME;
      const [marker, anyCase] = await Promise.all([
        dynamo().send(new GetCommand({ TableName: table, Key: importItemKeys.indexMarker(clientId), ConsistentRead: true, ProjectionExpression: 'pk' })),
        dynamo().send(new QueryCommand({ TableName: table, IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `CLIENT#${clientId}#CASES` }, Limit: 1, ProjectionExpression: 'pk' })),
      ]);
      empty = !marker.Item && (anyCase.Items ?? []).length === 0;
    }
    // A plain put: later imports overwrite it, which changes nothing (only its presence counts).
    await dynamo().send(new PutCommand({ TableName: config().TABLE_NAME, Item: { ...importItemKeys.indexMarker(clientId), type: 'import-index', importId, at } }));
    return { empty };
  },

  /** The pointer left at the home of an invoice added to a case (never for the invoice that opened it: that home is the case). */
  invoiceItem: (clientId: string, invoiceNumber: string, r: InvoiceRecord) => ({ ...importItemKeys.invoice(clientId, invoiceNumber), type: 'invoice-ref', caseId: r.caseId, by: r.by }),
  keyItem: (clientId: string, key: string, r: KeyRecord) => ({ ...importItemKeys.matchKey(clientId, key), type: 'match-key', debtorId: r.debtorId, cases: r.cases, by: r.by, prev: r.prev ?? null }),
};

/**
 * One import at a time per client: BatchWriteItem has no conditions, so the index items
 * (invoice numbers, match keys) are only safe from lost updates while a single writer holds
 * the client. The lease expires on its own if its holder dies, and is renewed while the import runs.
 */
export const importLease = {
  async acquire(clientId: string, importId: string, now: Date, ttlMs: number): Promise<{ ok: true } | { ok: false; holder: string; until: string }> {
    const taken = await writeIf(
      new PutCommand({
        TableName: config().TABLE_NAME,
        Item: { ...importItemKeys.lease(clientId), type: 'import-lease', holder: importId, until: new Date(now.getTime() + ttlMs).toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR holder = :me OR #until < :now',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':me': importId, ':now': now.toISOString() },
      }),
    );
    if (taken) return { ok: true };
    const current = await versionedStore.find<{ holder: string; until: string }>(importItemKeys.lease(clientId));
    return { ok: false, holder: current?.holder ?? '?', until: current?.until ?? '?' };
  },

  /** Gives the lease up; a lease another import holds by now is left alone. */
  async release(clientId: string, importId: string): Promise<void> {
    await writeIf(
      new DeleteCommand({
        TableName: config().TABLE_NAME,
        Key: importItemKeys.lease(clientId),
        ConditionExpression: 'holder = :me',
        ExpressionAttributeValues: { ':me': importId },
      }),
    );
  },
};
