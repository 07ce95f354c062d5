import { describe, expect, it } from 'vitest';
import {
  allocateToInstallments,
  evaluateDueCheck,
  holdDays,
  isPlanFullyPaid,
  newPlan,
  planNodesFor,
  planProblems,
  planSchedule,
  shiftPlan,
  shouldSendReminder,
  validatePlan,
} from '../../shared/domain/payment-plan';
import { splitForExecutionLimits } from '../../shared/domain/schedule';
import { ValidationError } from '../../shared/errors';
import type { PlanNode } from '../../shared/schemas/workflow';

const balance = (outstandingMinor: number, settlementOutstandingMinor?: number) => ({ outstandingMinor, settlementOutstandingMinor, currency: 'EUR' });
const TODAY = '2026-03-01';
const three = [
  { dueDate: '2026-03-15', amountMinor: 10_000 },
  { dueDate: '2026-04-15', amountMinor: 10_000 },
  { dueDate: '2026-05-15', amountMinor: 5_000 },
];

describe('validatePlan', () => {
  it('accepts ascending future dates that add up to exactly the outstanding', () => {
    expect(planProblems(three, balance(25_000), TODAY)).toEqual([]);
    expect(() => validatePlan(three, balance(25_000), TODAY)).not.toThrow();
  });

  it('measures against what is left of an agreed settlement', () => {
    expect(planProblems(three, balance(90_000, 25_000), TODAY)).toEqual([]);
    expect(planProblems(three, balance(25_000, 20_000), TODAY)[0]?.message).toMatch(/left to pay of the agreed settlement: remove €50.00/);
  });

  it('says how much is missing or too much', () => {
    expect(planProblems(three, balance(25_050), TODAY)).toEqual([
      { field: 'installments', message: 'instalments total €250.00 but €250.50 is outstanding: add €0.50 (e.g. to the last instalment)' },
    ]);
    expect(planProblems(three, balance(24_000), TODAY)[0]?.message).toMatch(/only €240.00 is outstanding: remove €10.00/);
    expect(planProblems(three, balance(0), TODAY)[0]?.message).toMatch(/nothing is outstanding/);
  });

  it('names each bad instalment field', () => {
    const bad = [
      { dueDate: '2026-03-01', amountMinor: 10_000 }, // today, not future
      { dueDate: '2026-02-30', amountMinor: 10_000 }, // not a date
      { dueDate: '2026-04-01', amountMinor: 0 },
      { dueDate: '2026-03-20', amountMinor: 5_000 }, // before the previous
    ];
    const fields = planProblems(bad, balance(25_000), TODAY).map((p) => p.field);
    expect(fields).toEqual(['installments[0].dueDate', 'installments[1].dueDate', 'installments[2].amountMinor', 'installments[3].dueDate']);
  });

  it('refuses an empty plan and two instalments on one day', () => {
    expect(planProblems([], balance(100), TODAY)).toEqual([{ field: 'installments', message: 'a plan needs at least one instalment' }]);
    const sameDay = [{ dueDate: '2026-03-10', amountMinor: 50 }, { dueDate: '2026-03-10', amountMinor: 50 }];
    expect(planProblems(sameDay, balance(100), TODAY).map((p) => p.field)).toEqual(['installments[1].dueDate']);
  });

  it('throws a ValidationError carrying the details', () => {
    try {
      validatePlan([{ dueDate: '2026-01-01', amountMinor: 100 }], balance(100), TODAY);
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).details).toEqual([{ field: 'installments[0].dueDate', message: 'must be after today (2026-03-01)' }]);
    }
  });
});

describe('allocation of payments to instalments', () => {
  it('fills oldest first and reports the leftover beyond the plan', () => {
    let r = allocateToInstallments(newPlan(three, '2026-03-01T10:00:00.000Z'), 12_500);
    expect(r.plan.installments.map((i) => [i.paidMinor, i.status])).toEqual([[10_000, 'paid'], [2_500, 'due'], [0, 'due']]);
    expect(r).toMatchObject({ appliedMinor: 12_500, leftoverMinor: 0, paidInstallments: [0] });
    r = allocateToInstallments(r.plan, 13_000);
    expect(r).toMatchObject({ appliedMinor: 12_500, leftoverMinor: 500, paidInstallments: [1, 2] });
    expect(isPlanFullyPaid(r.plan)).toBe(true);
  });
});

describe('evaluateDueCheck', () => {
  const at = '2026-03-16T00:00:00.000Z';
  const plan = () => newPlan(three, '2026-03-01T10:00:00.000Z');

  it('paid: the instalment is covered', () => {
    const paid = allocateToInstallments(plan(), 10_000).plan;
    const r = evaluateDueCheck(paid, 0, { checkedAt: at });
    expect(r.outcome).toBe('paid');
    expect(r.plan.installments[0]).toMatchObject({ status: 'paid', checkedAt: at });
  });

  it('late, then broken at the threshold; paying a missed instalment cures it', () => {
    const first = evaluateDueCheck(plan(), 0, { checkedAt: at, brokenAfterMissed: 2 });
    expect(first).toMatchObject({ outcome: 'late', missedCount: 1 });
    expect(first.plan.installments[0]).toMatchObject({ status: 'missed', checkedAt: at });
    expect(first.plan.status).toBe('active');

    const second = evaluateDueCheck(first.plan, 1, { checkedAt: '2026-04-16T00:00:00.000Z', brokenAfterMissed: 2 });
    expect(second).toMatchObject({ outcome: 'broken', missedCount: 2 });
    expect(second.plan.status).toBe('broken');

    const cured = allocateToInstallments(first.plan, 10_000).plan;
    expect(cured.installments[0]!.status).toBe('paid');
    expect(evaluateDueCheck(cured, 1, { checkedAt: '2026-04-16T00:00:00.000Z', brokenAfterMissed: 2 })).toMatchObject({ outcome: 'late', missedCount: 1 });
  });

  it('defaults to breaking after 2 missed; a threshold of 1 breaks at the first', () => {
    expect(evaluateDueCheck(plan(), 0, { checkedAt: at }).outcome).toBe('late');
    expect(evaluateDueCheck(plan(), 0, { checkedAt: at, brokenAfterMissed: 1 }).outcome).toBe('broken');
  });

  it('checks earlier unchecked instalments too (a check skipped is not lost)', () => {
    const r = evaluateDueCheck(plan(), 1, { checkedAt: at, brokenAfterMissed: 3 });
    expect(r.plan.installments.map((i) => i.status)).toEqual(['missed', 'missed', 'due']);
    expect(r).toMatchObject({ outcome: 'late', missedCount: 2 });
  });

  it('broken when the last instalment is unpaid, even below the threshold', () => {
    const twoPaid = allocateToInstallments(plan(), 20_000).plan;
    expect(evaluateDueCheck(twoPaid, 2, { checkedAt: at, brokenAfterMissed: 5 })).toMatchObject({ outcome: 'broken', missedCount: 1 });
  });

  it('completed: every instalment paid', () => {
    const all = allocateToInstallments(plan(), 25_000).plan;
    const r = evaluateDueCheck(all, 2, { checkedAt: at });
    expect(r.outcome).toBe('completed');
    expect(r.plan.status).toBe('completed');
  });

  it('is idempotent and keeps the first check time', () => {
    const once = evaluateDueCheck(plan(), 0, { checkedAt: at });
    const twice = evaluateDueCheck(once.plan, 0, { checkedAt: '2026-03-20T00:00:00.000Z' });
    expect(twice.outcome).toBe(once.outcome);
    expect(twice.plan.installments[0]!.checkedAt).toBe(at);
  });

  it('refuses an instalment that does not exist', () => {
    expect(() => evaluateDueCheck(plan(), 3, { checkedAt: at })).toThrow(/does not exist; the plan has 3/);
  });
});

describe('planSchedule', () => {
  const NOW = '2026-03-01T10:00:00.000Z';
  const plan = () => newPlan(three, NOW);

  it('gives built-in email reminders and due checks for an empty node list, in time order', () => {
    const steps = planSchedule({ plan: plan(), reminderDays: 3, nodes: [], now: NOW });
    expect(steps.map((s) => [s.index, s.kind, s.installmentIndex, s.at, s.node?.template])).toEqual([
      [0, 'reminder', 0, '2026-03-12T00:00:00.000Z', 'plan-reminder'],
      [1, 'due_check', 0, '2026-03-16T00:00:00.000Z', undefined],
      [2, 'reminder', 1, '2026-04-12T00:00:00.000Z', 'plan-reminder'],
      [3, 'due_check', 1, '2026-04-16T00:00:00.000Z', undefined],
      [4, 'reminder', 2, '2026-05-12T00:00:00.000Z', 'plan-reminder'],
      [5, 'due_check', 2, '2026-05-16T00:00:00.000Z', undefined],
    ]);
    expect(planNodesFor([], 'late')).toEqual([{ type: 'email', on: 'late', template: 'plan-late-notice' }]);
    expect(planNodesFor([], 'broken')).toEqual([]);
  });

  it('uses the client’s nodes per event, one step per node, and the agreed nodes at once', () => {
    const nodes: PlanNode[] = [
      { type: 'email', on: 'agreed', template: 'plan-confirmation' },
      { type: 'sms', on: 'reminder', template: 'sms-reminder' },
      { type: 'email', on: 'reminder', template: 'mail-reminder' },
      { type: 'letter', on: 'late', template: 'late-letter' },
    ];
    const steps = planSchedule({ plan: plan(), reminderDays: 2, nodes, now: NOW });
    expect(steps.slice(0, 4).map((s) => [s.kind, s.at, s.node?.template])).toEqual([
      ['agreed', NOW, 'plan-confirmation'],
      ['reminder', '2026-03-13T00:00:00.000Z', 'sms-reminder'],
      ['reminder', '2026-03-13T00:00:00.000Z', 'mail-reminder'],
      ['due_check', '2026-03-16T00:00:00.000Z', undefined],
    ]);
    expect(planNodesFor(nodes, 'late').map((n) => n.template)).toEqual(['late-letter']);
    // resumed: no second "agreed"
    expect(planSchedule({ plan: plan(), reminderDays: 2, nodes, now: NOW, resumed: true }).some((s) => s.kind === 'agreed')).toBe(false);
  });

  it('drops passed reminders, runs passed checks now, skips checked instalments and paid ones’ reminders', () => {
    let p = evaluateDueCheck(plan(), 0, { checkedAt: '2026-03-16T00:00:00.000Z' }).plan;
    p = allocateToInstallments(p, 20_000).plan; // pays 0 (missed) and 1
    const now = '2026-04-20T12:00:00.000Z'; // instalment 1 fell due unchecked (e.g. during a hold)
    const steps = planSchedule({ plan: p, reminderDays: 3, nodes: [], now, resumed: true });
    expect(steps.map((s) => [s.kind, s.installmentIndex, s.at])).toEqual([
      ['due_check', 1, now],
      ['reminder', 2, '2026-05-12T00:00:00.000Z'],
      ['due_check', 2, '2026-05-16T00:00:00.000Z'],
    ]);
  });

  it('splits a long plan across executions', () => {
    const monthly = Array.from({ length: 36 }, (_, i) => ({ dueDate: `${2026 + Math.floor((i + 3) / 12)}-${String(((i + 3) % 12) + 1).padStart(2, '0')}-01`, amountMinor: 1_000 }));
    expect(planProblems(monthly, balance(36_000), TODAY)).toEqual([]);
    const steps = planSchedule({ plan: newPlan(monthly, NOW), reminderDays: 3, nodes: [], now: NOW });
    expect(steps).toHaveLength(72);
    const split = splitForExecutionLimits(steps, NOW);
    expect(split.now.length).toBeLessThan(72);
    expect(split.now.length).toBeGreaterThan(20);
    expect(split.continueAt).toBe(new Date(Date.parse(split.now.at(-1)!.at) + 1).toISOString());
    // The next execution, from continueAt, schedules exactly the steps left: none twice, none lost.
    let plan = newPlan(monthly, NOW);
    for (const s of split.now) if (s.kind === 'due_check') plan = evaluateDueCheck(allocateToInstallments(plan, 1_000).plan, s.installmentIndex!, { checkedAt: s.at }).plan;
    const next = planSchedule({ plan, reminderDays: 3, nodes: [], now: split.continueAt!, resumed: true });
    expect(next.length + split.now.length).toBe(72);
    expect(next[0]!.at > split.now.at(-1)!.at).toBe(true);
  });
});

describe('holds and reminders', () => {
  it('shifts unchecked instalments due from the hold start by the hold length', () => {
    const checked = evaluateDueCheck(newPlan(three, '2026-03-01T10:00:00.000Z'), 0, { checkedAt: '2026-03-16T00:00:00.000Z' }).plan;
    const days = holdDays('2026-04-01T08:00:00.000Z', '2026-04-11T09:00:00.000Z');
    expect(days).toBe(11);
    expect(shiftPlan(checked, '2026-04-01', days).installments.map((i) => i.dueDate)).toEqual(['2026-03-15', '2026-04-26', '2026-05-26']);
    expect(shiftPlan(checked, '2026-04-01', 0)).toBe(checked);
  });

  it('sends a reminder only for an active plan’s unpaid, unchecked instalment', () => {
    const p = newPlan(three, '2026-03-01T10:00:00.000Z');
    expect(shouldSendReminder(p, 0)).toBe(true);
    expect(shouldSendReminder(allocateToInstallments(p, 10_000).plan, 0)).toBe(false);
    expect(shouldSendReminder({ ...p, status: 'broken' }, 0)).toBe(false);
    expect(shouldSendReminder(p, 9)).toBe(false);
    expect(shouldSendReminder(undefined, 0)).toBe(false);
  });
});
