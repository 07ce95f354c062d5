import { describe, expect, it } from 'vitest';
import { openLedger } from '../../shared/domain/ledger';
import { bucketDay, caseChangeAdds, runEnding, counterNames, dayBucket, liquidationLine, operationsView, resultsView, sumCaseAdds, wholeDaysBetween } from '../../shared/domain/results';
import type { Case } from '../../shared/schemas/case';

const PLACED = '2026-01-05T09:00:00.000Z';

function aCase(over: Partial<Case> & { principal?: number; paid?: number } = {}): Case {
  const { principal = 10_000, paid = 0, ...rest } = over;
  return {
    caseId: 'c1',
    clientId: 'cl_1',
    debtorId: 'd1',
    debtor: { name: 'Ann', type: 'person' },
    invoices: [],
    ledger: { ...openLedger(principal, 'EUR'), paidMinor: paid },
    phase: 'breathing_space',
    progress: {},
    contactAllowed: {},
    version: 1,
    createdAt: PLACED,
    updatedAt: PLACED,
    ...rest,
  } as Case;
}

describe('liquidation buckets (weeks since placement)', () => {
  it('puts days 0-6 in the first week, 7-13 in the second, and a year or more in the last', () => {
    expect([0, 6, 7, 13, 14, 363, 364, 900].map(dayBucket)).toEqual([0, 0, 1, 1, 2, 51, 52, 52]);
    expect([0, 1, 51, 52].map(bucketDay)).toEqual([7, 14, 364, 365]);
  });

  it('counts whole calendar days in UTC', () => {
    expect(wholeDaysBetween(PLACED, '2026-01-05T23:59:00.000Z')).toBe(0);
    expect(wholeDaysBetween(PLACED, '2026-01-12T00:01:00.000Z')).toBe(7);
  });
});

describe('what a change of a case adds to its counters', () => {
  it('a new case: its phase, and its principal as placed in its currency and import month', () => {
    const a = caseChangeAdds(undefined, aCase(), PLACED);
    expect(a).toMatchObject({ clientId: 'cl_1', currency: 'EUR', month: '2026-01' });
    expect(a.totals).toEqual({ phase_breathing_space: 1 });
    expect(a.money).toEqual({ placedMinor: 10_000 });
    expect(a.monthAdds).toEqual({ placedMinor: 10_000 });
  });

  it('a payment ten days after placement: collected, in the second week of the import month; a phase change moves one case', () => {
    const before = aCase({ phase: 'outreach' });
    const after = aCase({ phase: 'closed', paid: 10_000 });
    const a = caseChangeAdds(before, after, '2026-01-15T12:00:00.000Z');
    expect(a.totals).toEqual({ phase_outreach: -1, phase_closed: 1 });
    expect(a.money).toEqual({ collectedMinor: 10_000 });
    expect(a.monthAdds).toEqual({ collectedMinor: 10_000, [counterNames.bucket(1)]: 10_000 });
  });

  it('a change that moves neither phase nor money adds nothing', () => {
    const a = caseChangeAdds(aCase({ phase: 'outreach' }), aCase({ phase: 'outreach', version: 2 }), PLACED);
    expect([a.totals, a.money, a.monthAdds]).toEqual([{}, {}, {}]);
  });

  it('a chunk of cases sums to one set of adds per counter item', () => {
    const s = sumCaseAdds([
      caseChangeAdds(undefined, aCase({ caseId: 'a', principal: 100 }), PLACED),
      caseChangeAdds(undefined, aCase({ caseId: 'b', principal: 250 }), PLACED),
      caseChangeAdds(undefined, aCase({ caseId: 'c', principal: 40, ledger: { ...openLedger(40, 'GBP') } }), PLACED),
    ]);
    expect(Object.fromEntries(s.totals)).toEqual({ cl_1: { phase_breathing_space: 3 } });
    expect(Object.fromEntries(s.money)).toEqual({ 'cl_1|EUR': { placedMinor: 350 }, 'cl_1|GBP': { placedMinor: 40 } });
    expect(Object.fromEntries(s.months)).toEqual({ 'cl_1|EUR|2026-01': { placedMinor: 350 }, 'cl_1|GBP|2026-01': { placedMinor: 40 } });
  });
});

describe('the end of a run', () => {
  const run = (kind: 'mainOutreach' | 'paymentPlan', seq: number) => ({ kind, executionName: `c1-${kind}-${seq}`, seq, startedAt: PLACED });
  it('succeeded when its own end event ended it, stopped when another event replaced it, nothing while it goes on', () => {
    const outreach = aCase({ phase: 'outreach', workflow: run('mainOutreach', 2) });
    expect(runEnding(outreach, aCase({ phase: 'outreach' }), [{ type: 'workflow_finished', kind: 'mainOutreach', executionName: 'c1-mainOutreach-2' }])).toEqual({ kind: 'mainOutreach', how: 'succeeded' });
    expect(runEnding(outreach, aCase({ phase: 'on_hold', workflow: { ...run('mainOutreach', 3), kind: 'onHold' } }), [{ type: 'hold', reason: 'dispute' }])).toEqual({ kind: 'mainOutreach', how: 'stopped' });
    expect(runEnding(outreach, outreach, [{ type: 'step_done', kind: 'mainOutreach', index: 0, executionName: 'c1-mainOutreach-2' }])).toBeUndefined();
    expect(runEnding(aCase({ phase: 'outreach' }), outreach, [{ type: 'opened' }])).toBeUndefined();
  });

  it("a plan broken by the plan's own due check ended it; the same event from elsewhere stopped it", () => {
    const plan = aCase({ phase: 'payment_plan', workflow: run('paymentPlan', 4) });
    const back = aCase({ phase: 'outreach', workflow: run('mainOutreach', 5) });
    expect(runEnding(plan, back, [{ type: 'plan_broken', executionName: 'c1-paymentPlan-4' }])?.how).toBe('succeeded');
    expect(runEnding(plan, back, [{ type: 'plan_broken' }])?.how).toBe('stopped');
  });
});

describe('the results view', () => {
  it('computes the recovery rate, open cases and a cumulative curve up to the last week with a payment', () => {
    const r = resultsView({
      clientId: 'cl_1',
      currency: 'EUR',
      totals: { phase_outreach: 2, phase_closed: 1, contact_email_sent: 3, contact_sms_optedOut: 1 },
      money: { placedMinor: 40_000, collectedMinor: 15_000 },
      months: [{ month: '2026-01', item: { placedMinor: 40_000, collectedMinor: 15_000, [counterNames.bucket(0)]: 10_000, [counterNames.bucket(2)]: 5_000 } }],
      asOf: PLACED,
    });
    expect(r.recoveryRate).toBe(0.375);
    expect(r.openCases).toBe(2);
    expect(r.casesByPhase).toEqual({ breathing_space: 0, outreach: 2, payment_plan: 0, on_hold: 0, retry: 0, closed: 1 });
    expect(r.liquidation).toEqual([
      {
        month: '2026-01',
        placedMinor: 40_000,
        points: [
          { day: 7, collectedMinor: 10_000, share: 0.25 },
          { day: 14, collectedMinor: 10_000, share: 0.25 },
          { day: 21, collectedMinor: 15_000, share: 0.375 },
        ],
      },
    ]);
    expect(r.contacts.email).toEqual({ sent: 3, failed: 0, skipped: 0, optedOut: 0 });
    expect(r.contacts.sms).toEqual({ sent: 0, failed: 0, skipped: 0, optedOut: 1 });
    expect(Object.keys(r.contacts)).not.toContain('ticket');
  });

  it('a client without counters yet has zeros, no division by zero, and no curve', () => {
    const r = resultsView({ clientId: 'cl_1', currency: 'EUR', totals: undefined, money: undefined, months: [], asOf: PLACED });
    expect(r).toMatchObject({ placedMinor: 0, collectedMinor: 0, recoveryRate: 0, openCases: 0, liquidation: [] });
  });

  it('a month with nothing collected has no points', () => {
    expect(liquidationLine('2026-02', { placedMinor: 500 })).toEqual({ month: '2026-02', placedMinor: 500, points: [] });
  });
});

describe('the operations view', () => {
  it('sums the shards: running is started minus ended; throughput from rows and time', () => {
    const o = operationsView({
      shards: [
        { execution_mainOutreach_started: 3, send_email_sent: 2, import_rows: 1_000, import_ms: 2_000, last_import_at: '2026-01-05T09:00:00.000Z' },
        { execution_mainOutreach_succeeded: 1, execution_mainOutreach_stopped: 1, send_email_failed: 1, sends_given_up: 1, step_failures: 2, import_rows: 500, import_ms: 1_000, last_import_at: '2026-01-06T09:00:00.000Z' },
      ],
      asOf: PLACED,
    });
    expect(o.executions.mainOutreach).toEqual({ running: 1, succeeded: 1, failed: 0, stopped: 1 });
    expect(o.sends.email).toEqual({ sent: 2, failed: 1, skipped: 0 });
    expect(o.failures).toEqual({ stepFailures: 2, givenUp: 1 });
    expect(o.imports).toEqual({ rows: 1_500, rowsPerSecond: 500, lastImportAt: '2026-01-06T09:00:00.000Z' });
    expect(o.dashboardUrl).toBeUndefined();
  });
});
