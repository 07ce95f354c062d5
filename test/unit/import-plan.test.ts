import { describe, expect, it } from 'vitest';
import { invoiceAsOfChunk, invoiceHomeId, keyAsOfChunk, planChunk, type ChunkRow, type InvoiceRecord, type KeyRecord, type PlanInput } from '../../shared/domain/import-plan';
import { resolveEffectiveSettings } from '../../shared/domain/effective-settings';
import { openLedger } from '../../shared/domain/ledger';
import { transition } from '../../shared/domain/transition';
import type { Case } from '../../shared/schemas/case';
import { clientInputSchema, type Client, type ClientInput } from '../../shared/schemas/client';
import type { CsvRow } from '../../shared/schemas/csv-row';

const AT = '2026-01-05T09:00:00.000Z';

function client(over: Partial<ClientInput> = {}): Client {
  return {
    ...clientInputSchema.parse({ companyInfo: { name: 'Acme', address: { country: 'GB' } }, finances: { currency: 'EUR' }, ...over }),
    clientId: 'cl_1',
    version: 1,
    createdAt: AT,
    updatedAt: AT,
  };
}

let n = 0;
function row(d: { name?: string; email?: string; phone?: string; postcode?: string; invoice?: string; amount?: number; currency?: string; ccn?: string; portfolio?: string } = {}): CsvRow {
  n++;
  return {
    clientCaseNumber: d.ccn,
    portfolio: d.portfolio,
    debtor: { type: 'person', name: d.name ?? 'Jane Doe', email: d.email, phone: d.phone, address: { postcode: d.postcode } },
    invoice: { invoiceNumber: d.invoice ?? `INV-${n}`, dueDate: '2025-12-01', amountMinor: d.amount ?? 1000, currency: d.currency ?? 'EUR' },
  } as CsvRow;
}

function plan(rows: CsvRow[], over: Partial<PlanInput> = {}) {
  const chunkRows: ChunkRow[] = rows.map((data, i) => ({ row: i + 1, data }));
  return planChunk({ importId: 'im_1', at: AT, client: client(), rows: chunkRows, invoices: new Map(), keys: new Map(), cases: new Map(), ...over });
}

function existingCase(over: Partial<Case> = {}): Case {
  return {
    caseId: 'cs_old',
    clientId: 'cl_1',
    debtorId: 'db_old',
    debtor: { type: 'person', name: 'Jane Doe', address: {} },
    invoices: [{ invoiceNumber: 'OLD-1', dueDate: '2025-11-01', amountMinor: 5000, currency: 'EUR' }],
    ledger: { currency: 'EUR', principalMinor: 5000, costsMinor: 0, interestMinor: 0, paidMinor: 0, annualRatePercent: 0 },
    phase: 'outreach',
    progress: {},
    contactAllowed: {},
    version: 3,
    createdAt: AT,
    updatedAt: AT,
    ...over,
  } as Case;
}

describe('combining and matching', () => {
  it('combines the invoices of one debtor in the file into one case (new case per invoice off)', () => {
    const p = plan([row({ email: 'jane@x.com', amount: 1000 }), row({ name: 'J. Doe', email: 'JANE@x.com', amount: 2500 }), row({ email: 'bob@x.com' })]);
    expect(p.outcomes.map((o) => o.outcome)).toEqual(['created', 'merged', 'created']);
    expect(p.newCases).toHaveLength(2);
    const jane = p.newCases.find((c) => c.debtor.email === 'jane@x.com')!;
    expect(jane.invoices.map((i) => i.invoiceNumber)).toHaveLength(2);
    expect(jane.ledger.principalMinor).toBe(3500);
    expect(p.starts).toHaveLength(2);
  });

  it('matches by phone and by name + postcode, each rule on its own', () => {
    const byPhone = plan([row({ phone: '07700 900123' }), row({ name: 'Other Name', phone: '+447700900123' })]);
    expect(byPhone.newCases).toHaveLength(1);
    const byNamePostcode = plan([row({ name: 'Jane Doe', postcode: 'SW1A 1AA' }), row({ name: 'JANE DOE', postcode: 'sw1a1aa' })]);
    expect(byNamePostcode.newCases).toHaveLength(1);
    const nameOnly = plan([row({ name: 'Jane Doe' }), row({ name: 'Jane Doe' })]);
    expect(nameOnly.newCases).toHaveLength(2);
  });

  it('new case per invoice: each invoice its own case, the same debtor id', () => {
    const p = plan([row({ email: 'a@x.com' }), row({ email: 'a@x.com' })], { client: client({ settings: { import: { newCasePerInvoice: true } } }) });
    expect(p.newCases).toHaveLength(2);
    expect(new Set(p.newCases.map((c) => c.debtorId)).size).toBe(1);
  });

  it('match on client case number: a known number joins its case even with new case per invoice on', () => {
    const c = client({ settings: { import: { matchOnClientCaseNumber: true, newCasePerInvoice: true } } });
    const keys = new Map<string, KeyRecord>([['ccn:K-1', { debtorId: 'db_old', cases: { EUR: 'cs_old' } }]]);
    const p = plan([row({ ccn: 'k-1', email: 'new@x.com' })], { client: c, keys, cases: new Map([['cs_old', existingCase()]]) });
    expect(p.outcomes[0]).toMatchObject({ outcome: 'merged', caseId: 'cs_old' });
    expect(p.mergedCases[0]!.next.invoices).toHaveLength(2);
    expect(p.mergedCases[0]!.expectedVersion).toBe(3);
  });

  it('merges into an existing open case: principal added, percentage costs follow, an "invoice added" event', () => {
    const c = client({ finances: { currency: 'EUR', costs: [{ name: 'fee', kind: 'percentage', percent: 10 }] } });
    const old = existingCase({ ledger: { ...existingCase().ledger, costsMinor: 500, chargesAppliedAt: AT, interestFrom: '2026-01-05', interestAccruedTo: '2026-01-05' } });
    const keys = new Map<string, KeyRecord>([['email:jane@x.com', { debtorId: 'db_old', cases: { EUR: 'cs_old' } }]]);
    const p = plan([row({ email: 'jane@x.com', amount: 2000 })], { client: c, keys, cases: new Map([['cs_old', old]]) });
    expect(p.mergedCases[0]!.next.ledger).toMatchObject({ principalMinor: 7000, costsMinor: 700 });
    expect(p.events.map((e) => e.event.type)).toEqual(['invoice_added']);
    expect(p.newCases).toHaveLength(0);
  });

  it('a closed case is not reopened: a new case for the same debtor', () => {
    const keys = new Map<string, KeyRecord>([['email:jane@x.com', { debtorId: 'db_old', cases: { EUR: 'cs_old' } }]]);
    const p = plan([row({ email: 'jane@x.com' })], { keys, cases: new Map([['cs_old', existingCase({ phase: 'closed' })]]) });
    expect(p.newCases).toHaveLength(1);
    expect(p.newCases[0]!.debtorId).toBe('db_old');
    expect(p.keys.get('email:jane@x.com')!.cases.EUR).toBe(p.newCases[0]!.caseId);
  });

  it('another currency starts a separate case for the same debtor', () => {
    const p = plan([row({ email: 'a@x.com', currency: 'EUR' }), row({ email: 'a@x.com', currency: 'USD' }), row({ email: 'a@x.com', currency: 'EUR' })]);
    expect(p.newCases.map((c) => c.ledger.currency).sort()).toEqual(['EUR', 'USD']);
    expect(p.outcomes.map((o) => o.outcome)).toEqual(['created', 'created', 'merged']);
    expect(new Set(p.newCases.map((c) => c.debtorId)).size).toBe(1);
  });
});

describe('duplicates and rejections', () => {
  it('an invoice number seen before (in the file or for the client) is a duplicate, not a new debt', () => {
    const invoices = new Map<string, InvoiceRecord>([['OLD-9', { caseId: 'cs_old', by: { importId: 'im_0', row: 4 } }]]);
    const p = plan([row({ invoice: 'INV-A' }), row({ invoice: 'inv-a ' }), row({ invoice: 'old-9' })], { invoices });
    expect(p.outcomes.map((o) => o.outcome)).toEqual(['created', 'duplicate', 'duplicate']);
    expect(p.outcomes[2]).toMatchObject({ caseId: 'cs_old' });
    // INV-A opened a case, and that case is its home: no pointer item for it.
    expect(p.newCases[0]!.caseId).toBe(invoiceHomeId('cl_1', 'INV-A'));
    expect(p.invoices.size).toBe(0);
  });

  it('an unknown portfolio rejects the row naming the column', () => {
    const p = plan([row({ portfolio: 'nope' })], { client: client({ portfolios: [{ name: 'retail' }] }) });
    expect(p.outcomes[0]).toMatchObject({ outcome: 'rejected', errors: [{ row: 1, column: 'portfolio' }] });
  });
});

describe('new cases', () => {
  it('breathing space enabled: phase breathing_space, no charges, a breathingSpace run with the deterministic name', () => {
    const p = plan([row()]);
    const c = p.newCases[0]!;
    expect(c).toMatchObject({ phase: 'breathing_space', breathingSpaceDays: 14, ledger: { costsMinor: 0 } });
    expect(c.ledger.chargesAppliedAt).toBeUndefined();
    expect(c.workflow).toEqual({ kind: 'breathingSpace', seq: 1, executionName: `${c.caseId}-breathingSpace-1`, startedAt: AT });
    expect(c.importEvents!.map((e) => e.type)).toEqual(['imported']);
    expect(c.importEvents![0]).toMatchObject({ at: AT, data: { importId: 'im_1', row: 1 } });
    expect(c.origin).toEqual({ importId: 'im_1', row: 1 });
    expect(p.events).toEqual([]);
    expect(p.starts).toEqual([{ caseId: c.caseId, kind: 'breathingSpace', seq: 1 }]);
  });

  it('breathing space off (per portfolio): outreach with costs and interest applied at once', () => {
    const c = client({
      finances: { currency: 'EUR', costs: [{ name: 'fee', kind: 'fixed', amountMinor: 2500 }], interest: { annualRatePercent: 8 } },
      portfolios: [{ name: 'fast', workflowOverrides: { breathingSpace: { enabled: false } } }],
    });
    const p = plan([row({ portfolio: 'fast', amount: 10000 })], { client: c });
    expect(p.newCases[0]).toMatchObject({ phase: 'outreach', portfolio: 'fast', ledger: { costsMinor: 2500, annualRatePercent: 8, interestFrom: '2026-01-05' }, workflow: { kind: 'mainOutreach' } });
    expect(p.newCases[0]!.importEvents!.map((e) => e.type)).toEqual(['imported', 'charges_applied']);
    expect(p.events).toEqual([]);
  });

  it('opens a case as the opened event does: the same phase, breathing space, charges and first run, a breathing space of 0 days included', () => {
    const costs = { currency: 'EUR', costs: [{ name: 'fee', kind: 'fixed' as const, amountMinor: 2500 }], interest: { annualRatePercent: 8 } };
    for (const breathingSpace of [{ enabled: true, days: 14 }, { enabled: true, days: 0 }, { enabled: false, days: 14 }]) {
      const c = client({ finances: costs, settings: { workflow: { breathingSpace } } } as Partial<ClientInput>);
      const imported = plan([row({ amount: 10000 })], { client: c }).newCases[0]!;
      // The same case before anything opened it, opened by the event.
      const unopened = { ...imported, ledger: openLedger(10000, 'EUR'), breathingSpaceDays: undefined, workflow: undefined, workflowSeq: 0, progress: {}, phase: 'breathing_space' } as Case;
      const opened = transition(unopened, { type: 'opened' }, { now: AT, client: c, settings: resolveEffectiveSettings(c, undefined) }).case;
      const view = (k: Case) => ({ phase: k.phase, breathingSpaceDays: k.breathingSpaceDays, run: k.workflow?.executionName, costsMinor: k.ledger.costsMinor, interestFrom: k.ledger.interestFrom, charged: k.ledger.chargesAppliedAt !== undefined });
      expect(view(imported), JSON.stringify(breathingSpace)).toEqual(view(opened));
    }
    const zero = client({ settings: { workflow: { breathingSpace: { enabled: true, days: 0 } } } } as Partial<ClientInput>);
    expect(plan([row()], { client: zero }).newCases[0]).toMatchObject({ phase: 'outreach', workflow: { kind: 'mainOutreach' } });
  });

  it('is deterministic: the same chunk plans the same ids', () => {
    const rows = [row({ email: 'a@x.com' }), row({ email: 'b@x.com' })];
    expect(plan(rows)).toEqual(plan(rows));
    expect(plan(rows).newCases[0]!.caseId).toBe(invoiceHomeId('cl_1', rows[0]!.invoice.invoiceNumber.toUpperCase()));
  });

  it('writes a pointer only for invoices added to a case; the invoice that opens a case is found as the case', () => {
    const p = plan([row({ email: 'a@x.com', invoice: 'a-1' }), row({ email: 'a@x.com', invoice: 'A-2' }), row({ email: 'b@x.com', invoice: 'B-1' })]);
    const [a, b] = p.newCases;
    expect(a!.caseId).toBe(invoiceHomeId('cl_1', 'A-1'));
    expect(b!.caseId).toBe(invoiceHomeId('cl_1', 'B-1'));
    expect([...p.invoices]).toEqual([['A-2', { caseId: a!.caseId, by: { importId: 'im_1', row: 2 } }]]);
    expect(a!.importEvents![0]!.data).toMatchObject({ invoices: ['a-1', 'A-2'] });
  });
});

describe('replaying a chunk after a crash', () => {
  it('looks through index items its own earlier attempt wrote at or after the chunk start', () => {
    const mine: KeyRecord = { debtorId: 'db_new', cases: { EUR: 'cs_new' }, by: { importId: 'im_1', row: 120 }, prev: { debtorId: 'db_old', cases: { EUR: 'cs_old' } } };
    expect(keyAsOfChunk(mine, 'im_1', 101)).toEqual({ debtorId: 'db_old', cases: { EUR: 'cs_old' } });
    expect(keyAsOfChunk({ ...mine, prev: null }, 'im_1', 101)).toBeUndefined();
    expect(keyAsOfChunk(mine, 'im_1', 121)).toBe(mine);
    expect(keyAsOfChunk(mine, 'im_2', 1)).toBe(mine);
    const inv: InvoiceRecord = { caseId: 'cs_new', by: { importId: 'im_1', row: 120 } };
    expect(invoiceAsOfChunk(inv, 'im_1', 101)).toBeUndefined();
    expect(invoiceAsOfChunk(inv, 'im_1', 121)).toBe(inv);
  });

  it('does not add an invoice twice to a case the crashed attempt already merged it into', () => {
    const keys = new Map<string, KeyRecord>([['email:jane@x.com', { debtorId: 'db_old', cases: { EUR: 'cs_old' } }]]);
    const r = row({ email: 'jane@x.com', invoice: 'NEW-1', amount: 700 });
    const already = existingCase({ invoices: [...existingCase().invoices, { ...r.invoice, importId: 'im_1' }], ledger: { ...existingCase().ledger, principalMinor: 5700 } });
    const p = plan([r], { keys, cases: new Map([['cs_old', already]]) });
    expect(p.outcomes[0]).toMatchObject({ outcome: 'merged', caseId: 'cs_old' });
    expect(p.mergedCases).toHaveLength(0);
    expect(p.invoices.get('NEW-1')).toMatchObject({ caseId: 'cs_old' });
  });
});
