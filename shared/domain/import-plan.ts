import { createHash } from 'node:crypto';
import type { Case, Invoice, Ledger, TimelineEvent } from '../schemas/case';
import type { Client, Finances } from '../schemas/client';
import type { CsvRow } from '../schemas/csv-row';
import type { ImportError } from '../schemas/import';
import type { WorkflowKind } from '../schemas/workflow';
import { UnknownPortfolioError, resolveEffectiveSettings, type EffectiveSettings } from './effective-settings';
import { applyCharges, crystalliseInterest, dayOf, openLedger } from './ledger';
import { formatMoney, percentOf } from './money';
import { matchKeys, type RowKeys } from './matching';
import { executionName } from './workflow-names';
import { zoneForCountry } from './contact-hours';
import { caseOpening } from './transition';

/**
 * Planning one chunk of an import: pure. Given the chunk's valid rows and what the table
 * already knows (invoice numbers, debtor match keys, the open cases they point at), decide
 * for every row: duplicate, rejected, a new case, or a merge into a case; and list every item
 * to write. The import handler does the reads before and the writes after.
 *
 * Determinism is what makes a crashed import resumable: case ids are derived from (client,
 * first invoice number), debtor ids from (import, row), timestamps from the import's start, so
 * replaying a chunk plans exactly the same items.
 */

/** Who wrote an index item last: a replay of a chunk ignores its own earlier, unfinished writes. */
export interface WrittenBy {
  importId: string;
  row: number;
}

/** Debtor match key -> the debtor and its latest open case per currency. */
export interface KeyRecord {
  debtorId: string;
  cases: Record<string, string>;
  by?: WrittenBy;
  /** The value before the chunk that wrote it, so a replay of that chunk sees the table as it was. */
  prev?: { debtorId: string; cases: Record<string, string> } | null;
}

/**
 * Invoice number -> the case that holds it (the uniqueness guard). Every invoice number of a
 * client has one home key, the key a case opened by that invoice has (`invoiceHomeId`): the
 * invoice that opens a case IS found as that case; an invoice added to a case leaves a small
 * pointer item at its home. Either way one key answers "is this invoice known, and where".
 */
export interface InvoiceRecord {
  caseId: string;
  /** Which import row wrote it (the pointer's `by`, the case's `origin`); absent on cases made otherwise. */
  by?: WrittenBy;
}

export interface ChunkRow {
  /** 1 = first data row. */
  row: number;
  data: CsvRow;
  /** The row's match keys, when the caller computed them already (for its reads). */
  keys?: RowKeys;
}

export interface PlanInput {
  importId: string;
  /** The import's start instant: every case and event of the import carries it (replays plan the same items). */
  at: string;
  client: Pick<Client, 'clientId' | 'settings' | 'workflows' | 'portfolios' | 'defaultPortfolio' | 'finances' | 'companyInfo'>;
  rows: ChunkRow[];
  /** Keyed by normalised invoice number; entries this import wrote at or after the chunk's first row must be left out. */
  invoices: ReadonlyMap<string, InvoiceRecord>;
  keys: ReadonlyMap<string, KeyRecord>;
  /** The open cases the keys point at, by caseId. */
  cases: ReadonlyMap<string, Case>;
}

export type RowOutcome =
  | { row: number; outcome: 'created' | 'merged'; caseId: string }
  | { row: number; outcome: 'duplicate'; caseId: string; invoiceNumber: string }
  | { row: number; outcome: 'rejected'; errors: ImportError[] };

export interface PlannedEvent {
  caseId: string;
  /** Deterministic, so a replay overwrites instead of adding. */
  eventId: string;
  event: TimelineEvent;
}

export interface StartMessage {
  caseId: string;
  kind: WorkflowKind;
  seq: number;
}

export interface ChunkPlan {
  outcomes: RowOutcome[];
  newCases: Case[];
  /** Existing cases with invoices added; written with an optimistic version check. */
  mergedCases: { caseId: string; expectedVersion: number; next: Case; before?: Case }[];
  /** Timeline items: `invoice_added` on cases that existed before the chunk (a new case carries its own events). */
  events: PlannedEvent[];
  /** Key items to put (only those that changed). */
  keys: Map<string, KeyRecord>;
  /** Pointer items to put: invoices added to a case (an invoice that opens a case is found as the case itself). */
  invoices: Map<string, InvoiceRecord>;
  /**
   * Every invoice number the chunk gave a home (a new case or a pointer), as a read of its home
   * answers once the chunk is written: the next chunk may be planned while this one is written.
   */
  placed: Map<string, InvoiceRecord>;
  starts: StartMessage[];
}

/** Invoice numbers are unique per client, compared trimmed and without case ("inv-1" = "INV-1"). */
export function normaliseInvoiceNumber(n: string): string {
  return n.trim().toUpperCase();
}

/**
 * The table as it was before a chunk: index items this import wrote at or after the chunk's
 * first row come from an earlier, crashed attempt at the same chunk, so the replay looks
 * through them (a key item's `prev`, an invoice item's absence).
 */
export function keyAsOfChunk(r: KeyRecord | undefined, importId: string, firstRow: number): KeyRecord | undefined {
  if (!r?.by || r.by.importId !== importId || r.by.row < firstRow) return r;
  return r.prev ? { debtorId: r.prev.debtorId, cases: r.prev.cases } : undefined;
}

export function invoiceAsOfChunk(r: InvoiceRecord | undefined, importId: string, firstRow: number): InvoiceRecord | undefined {
  return r && r.by?.importId === importId && r.by.row >= firstRow ? undefined : r;
}

function digest(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 20);
}

/**
 * The home of an invoice number: the id of the case that invoice opens (or would open). The
 * same on every replay, and unique because invoice numbers are unique per client; a case's
 * id is the home of its first invoice. `invoiceNumber` is normalised.
 */
export function invoiceHomeId(clientId: string, invoiceNumber: string): string {
  return `cs_${digest('case', clientId, invoiceNumber)}`;
}

export function debtorIdFor(importId: string, row: number): string {
  return `db_${digest('debtor', importId, row)}`;
}

interface Draft {
  caseId: string;
  debtorId: string;
  row: number;
  data: CsvRow;
  settings: EffectiveSettings;
  invoices: Invoice[];
}

export function planChunk(input: PlanInput): ChunkPlan {
  const { client, importId, at } = input;
  const imp = client.settings.import;
  const outcomes: RowOutcome[] = [];
  const seenInvoices = new Map<string, string>(); // this chunk: invoice -> caseId
  const keyView = new Map<string, KeyRecord>(); // keys as changed by this chunk
  const drafts = new Map<string, Draft>();
  const merged = new Map<string, { expectedVersion: number; next: Case; before: Case; added: Invoice[] }>();
  const events: PlannedEvent[] = [];
  const invoices = new Map<string, InvoiceRecord>();
  const placed = new Map<string, InvoiceRecord>();

  const lookupKey = (k: string) => keyView.get(k) ?? input.keys.get(k);
  const defaultCountry = client.companyInfo.address.country;

  for (const { row, data, keys: knownKeys } of input.rows) {
    const invNo = normaliseInvoiceNumber(data.invoice.invoiceNumber);
    const earlier = seenInvoices.get(invNo) ?? input.invoices.get(invNo)?.caseId;
    if (earlier) {
      outcomes.push({ row, outcome: 'duplicate', caseId: earlier, invoiceNumber: data.invoice.invoiceNumber });
      continue;
    }

    const keys = knownKeys ?? matchKeys(data, { matchOnClientCaseNumber: imp.matchOnClientCaseNumber, defaultCountry });
    const currency = data.invoice.currency;
    const invoice: Invoice = { ...stripUndefined(data.invoice), importId };

    // 1. client case number, 2. the strongest debtor key that is known.
    const ccnRecord = keys.caseNumber ? lookupKey(keys.caseNumber) : undefined;
    const debtorRecord = ccnRecord ?? keys.debtor.map(lookupKey).find((r): r is KeyRecord => r !== undefined);
    const joinCaseNumber = ccnRecord !== undefined; // the client case number rule joins even with "new case per invoice"
    const candidateId = debtorRecord?.cases[currency];

    let target: { caseId: string; debtorId: string; created: boolean } | undefined;
    if (candidateId && (joinCaseNumber || !imp.newCasePerInvoice)) {
      const draft = drafts.get(candidateId);
      if (draft) {
        draft.invoices.push(invoice);
        target = { caseId: candidateId, debtorId: draft.debtorId, created: false };
      } else {
        const current = merged.get(candidateId)?.next ?? input.cases.get(candidateId);
        if (current && current.phase !== 'closed' && current.ledger.currency === currency) {
          const already = current.invoices.some((i) => normaliseInvoiceNumber(i.invoiceNumber) === invNo);
          // A replay after a crash finds its own invoice already merged: count it, add nothing.
          const next = already ? current : mergeInvoice(current, invoice, client.finances, at);
          const entry = merged.get(candidateId) ?? { expectedVersion: current.version, next: current, before: current, added: [] };
          entry.next = next;
          if (!already) entry.added.push(invoice);
          merged.set(candidateId, entry);
          target = { caseId: candidateId, debtorId: current.debtorId, created: false };
        }
      }
    }

    if (!target) {
      let settings: EffectiveSettings;
      try {
        settings = resolveEffectiveSettings(client, data.portfolio);
      } catch (e) {
        if (!(e instanceof UnknownPortfolioError)) throw e;
        outcomes.push({ row, outcome: 'rejected', errors: [{ row, column: 'portfolio', message: `${e.message}; add the portfolio to the client or correct the name`, value: data.portfolio }] });
        continue;
      }
      const caseId = invoiceHomeId(client.clientId, invNo);
      const debtorId = debtorRecord?.debtorId ?? debtorIdFor(importId, row);
      drafts.set(caseId, { caseId, debtorId, row, data, settings, invoices: [invoice] });
      target = { caseId, debtorId, created: true };
    }

    seenInvoices.set(invNo, target.caseId);
    placed.set(invNo, { caseId: target.caseId, by: { importId, row } });
    if (!target.created) invoices.set(invNo, { caseId: target.caseId, by: { importId, row } });
    outcomes.push({ row, outcome: target.created ? 'created' : 'merged', caseId: target.caseId });

    // Every key of the row now leads to this debtor and, for this currency, this case.
    for (const k of [...(keys.caseNumber ? [keys.caseNumber] : []), ...keys.debtor]) {
      const before = lookupKey(k);
      if (before && before.debtorId === target.debtorId && before.cases[currency] === target.caseId) continue;
      const base = keyView.get(k) ?? input.keys.get(k);
      const prev = keyView.has(k) ? keyView.get(k)!.prev : base ? { debtorId: base.debtorId, cases: base.cases } : null;
      // A key of another debtor is not taken over (strongest key won above); only unknown keys and this debtor's keys move.
      if (base && base.debtorId !== target.debtorId && !k.startsWith('ccn:')) continue;
      keyView.set(k, {
        debtorId: target.debtorId,
        cases: { ...(base && base.debtorId === target.debtorId ? base.cases : {}), [currency]: target.caseId },
        by: { importId, row },
        prev,
      });
    }
  }

  const newCases: Case[] = [];
  const starts: StartMessage[] = [];
  for (const d of drafts.values()) {
    const kase = buildCase(d, client, importId, at);
    newCases.push(kase);
    starts.push({ caseId: kase.caseId, kind: kase.workflow!.kind, seq: 1 });
  }
  const mergedCases: ChunkPlan['mergedCases'] = [];
  for (const [caseId, m] of merged) {
    if (m.added.length === 0) continue;
    mergedCases.push({ caseId, expectedVersion: m.expectedVersion, next: m.next, before: m.before });
    for (const inv of m.added) {
      events.push({
        caseId,
        eventId: `inv-${importId}-${normaliseInvoiceNumber(inv.invoiceNumber)}`,
        event: { at, type: 'invoice_added', message: `invoice ${inv.invoiceNumber} added: ${formatMoney(inv.amountMinor, inv.currency)}`, data: { importId, invoiceNumber: inv.invoiceNumber, amountMinor: inv.amountMinor } },
      });
    }
  }

  return { outcomes, newCases, mergedCases, events, keys: keyView, invoices, placed, starts };
}

/** Adds an invoice to an open case: interest is brought up to date first, percentage costs grow with the principal. */
export function mergeInvoice(c: Case, invoice: Invoice, finances: Pick<Finances, 'costs'>, at: string): Case {
  let ledger: Ledger = crystalliseInterest(c.ledger, at);
  const principalMinor = ledger.principalMinor + invoice.amountMinor;
  let costsMinor = ledger.costsMinor;
  if (ledger.chargesAppliedAt) {
    for (const cost of finances.costs) {
      if (cost.kind === 'percentage') costsMinor += percentOf(principalMinor, cost.percent) - percentOf(ledger.principalMinor, cost.percent);
    }
  }
  ledger = { ...ledger, principalMinor, costsMinor };
  return { ...c, invoices: [...c.invoices, invoice], ledger };
}

function buildCase(d: Draft, client: PlanInput['client'], importId: string, at: string): Case {
  const currency = d.invoices[0]!.currency;
  const principal = d.invoices.reduce((s, i) => s + i.amountMinor, 0);
  let ledger = openLedger(principal, currency);
  const opening = caseOpening(d.settings);
  const kind: WorkflowKind = opening.kind;
  // The case's first events travel on the case item (written with it, no item of their own).
  const importEvents: TimelineEvent[] = [
    {
      at,
      type: 'imported',
      message: `imported with ${d.invoices.length} invoice${d.invoices.length > 1 ? 's' : ''} totalling ${formatMoney(principal, currency)}`,
      data: { importId, row: d.row, invoices: d.invoices.map((i) => i.invoiceNumber) },
    },
  ];
  if (opening.chargesNow) {
    ledger = applyCharges(ledger, client.finances, dayOf(at), at);
    importEvents.push({
      at,
      type: 'charges_applied',
      message: `costs ${formatMoney(ledger.costsMinor, currency)} applied and interest at ${ledger.annualRatePercent}% from ${dayOf(at)} (no breathing space)`,
      data: { costsMinor: ledger.costsMinor, annualRatePercent: ledger.annualRatePercent, interestFrom: dayOf(at) },
    });
  }
  const debtor = d.data.debtor;
  const kase: Case = {
    caseId: d.caseId,
    clientId: client.clientId,
    debtorId: d.debtorId,
    clientCaseNumber: d.data.clientCaseNumber,
    portfolio: d.settings.portfolio,
    debtor: {
      type: debtor.type,
      name: debtor.name,
      email: debtor.email,
      phone: debtor.phone,
      address: stripUndefined(debtor.address),
      country: debtor.country,
      // As the contract says: derived from the country when the file gives none (and the country keeps one clock).
      timezone: debtor.timezone ?? zoneForCountry(debtor.country ?? debtor.address.country),
    },
    invoices: d.invoices,
    ledger,
    phase: opening.phase,
    breathingSpaceDays: opening.breathingSpaceDays,
    workflow: { kind, seq: 1, executionName: executionName(d.caseId, kind, 1), startedAt: at },
    workflowSeq: 1,
    progress: {},
    contactAllowed: {},
    origin: { importId, row: d.row },
    importEvents,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  return stripUndefined(kase) as Case;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
