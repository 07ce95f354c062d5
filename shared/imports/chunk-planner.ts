import type { RequestLimiter } from '../adapters/dynamo/batch';
import { cases } from '../adapters/dynamo/case-repository';
import { importIndex } from '../adapters/dynamo/import-repository';
import type { BloomFilter } from '../domain/bloom-filter';
import { invoiceAsOfChunk, keyAsOfChunk, normaliseInvoiceNumber, planChunk, type ChunkPlan, type InvoiceRecord, type KeyRecord } from '../domain/import-plan';
import { matchKeys } from '../domain/matching';
import type { Case } from '../schemas/case';
import type { Client } from '../schemas/client';
import type { PendingChunk } from './pending-chunk';

/** What a chunk being written puts into the index and cases, as reads will answer once it is written. */
export interface Overlay {
  invoices: ReadonlyMap<string, InvoiceRecord>;
  keys: ReadonlyMap<string, KeyRecord>;
  cases: ReadonlyMap<string, Case>;
}

/** What the next chunk's reads will find once the chunk of `plan` is written. */
export function overlayOf(plan: ChunkPlan): Overlay {
  const written = new Map<string, Case>();
  for (const c of plan.newCases) written.set(c.caseId, c);
  // cases.replace stores the version after the one it expects.
  for (const m of plan.mergedCases) written.set(m.caseId, { ...m.next, version: m.next.version + 1 });
  return { invoices: plan.placed, keys: plan.keys, cases: written };
}

/**
 * Reads what the table knows about a chunk's invoice numbers, match keys and the open cases they
 * point at, and plans the chunk (shared/domain/import-plan.ts). `overlay` is the chunk being
 * written meanwhile: what it writes is taken from it and not read. On a first import, `written`
 * (every key this import planned to write) leaves out the reads of keys it has never seen.
 */
export class ChunkPlanner {
  /** Keys the filter let through that the table did not have: its false positives. */
  filterMisses = 0;

  constructor(
    private readonly client: Client,
    private readonly importId: string,
    /** The import's start instant, which every case and event of the import carries. */
    private readonly at: string,
    private readonly limiter: RequestLimiter,
    readonly written: BloomFilter | undefined,
  ) {}

  async plan(chunk: PendingChunk, overlay: Overlay | undefined): Promise<ChunkPlan> {
    const { clientId } = this.client;
    const { importId } = this;
    const imp = this.client.settings.import;
    const first = chunk.firstRow;
    const batch = { limiter: this.limiter };
    const invoiceNumbers = [...new Set(chunk.valid.map((r) => normaliseInvoiceNumber(r.data.invoice.invoiceNumber)))];
    const wantedKeys = new Set<string>();
    const phoneMemo = new Map<string, string | undefined>();
    for (const r of chunk.valid) {
      // Computed once per row (the plan reuses them); a replayed chunk computes them again, the same.
      const k = (r.keys ??= matchKeys(r.data, { matchOnClientCaseNumber: imp.matchOnClientCaseNumber, defaultCountry: this.client.companyInfo.address.country, phoneMemo }));
      if (k.caseNumber) wantedKeys.add(k.caseNumber);
      for (const d of k.debtor) wantedKeys.add(d);
    }
    // What the chunk being written will hold is answered by its plan; on a first import, a key
    // this import never planned to write is not in the table (see `written`).
    const filter = this.written;
    const unanswered = {
      invoices: overlay ? invoiceNumbers.filter((n) => !overlay.invoices.has(n)) : invoiceNumbers,
      keys: overlay ? [...wantedKeys].filter((k) => !overlay.keys.has(k)) : [...wantedKeys],
    };
    const read = filter
      ? { invoices: unanswered.invoices.filter((n) => filter.mayContain(`i:${n}`)), keys: unanswered.keys.filter((k) => filter.mayContain(`k:${k}`)) }
      : unanswered;
    const [storedInvoices, storedKeys] = await Promise.all([importIndex.invoices(clientId, read.invoices, batch), importIndex.keys(clientId, read.keys, batch)]);
    chunk.lookups.made += read.invoices.length + read.keys.length;
    chunk.lookups.skipped += unanswered.invoices.length - read.invoices.length + unanswered.keys.length - read.keys.length;
    if (filter) this.filterMisses += read.invoices.length - storedInvoices.size + read.keys.length - storedKeys.size;
    const invoices = new Map<string, InvoiceRecord>();
    for (const n of invoiceNumbers) {
      const seen = invoiceAsOfChunk(overlay?.invoices.get(n) ?? storedInvoices.get(n), importId, first);
      if (seen) invoices.set(n, seen);
    }
    const keyRecords = new Map<string, KeyRecord>();
    for (const k of wantedKeys) {
      const seen = keyAsOfChunk(overlay?.keys.get(k) ?? storedKeys.get(k), importId, first);
      if (seen) keyRecords.set(k, seen);
    }
    const openCases = new Map<string, Case>();
    const toRead: string[] = [];
    for (const id of new Set([...keyRecords.values()].flatMap((r) => Object.values(r.cases)))) {
      const known = overlay?.cases.get(id);
      if (known) openCases.set(id, known);
      else toRead.push(id);
    }
    for (const [id, c] of await cases.findMany(toRead, batch)) openCases.set(id, c);
    const plan = planChunk({ importId, at: this.at, client: this.client, rows: chunk.valid, invoices, keys: keyRecords, cases: openCases });
    // Before this chunk's writes begin and before the next chunk is planned: from now on its keys
    // may be in the table. A plan made again (a conflict) adds its keys too; extra keys only cost lookups.
    if (filter) {
      for (const n of plan.placed.keys()) filter.add(`i:${n}`);
      for (const k of plan.keys.keys()) filter.add(`k:${k}`);
    }
    return plan;
  }
}
