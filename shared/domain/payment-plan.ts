import type { ErrorDetail } from '../errors';
import { ValidationError } from '../errors';
import type { Installment, PaymentPlan } from '../schemas/case';
import { isRealIsoDate } from '../schemas/common';
import type { PlanEvent, PlanNode } from '../schemas/workflow';
import { addDays, daysBetween } from './dates';
import type { Balance } from './ledger';
import { formatMoney } from './money';
import { DAY_MS } from './schedule';

/**
 * Payment plans. Rules (see README):
 * - instalment due dates strictly ascending and after today; amounts whole minor units > 0;
 * - the instalments must add up to exactly what is outstanding (or what is left of an agreed
 *   settlement): interest is frozen while the plan is kept, so that figure is final, and a plan
 *   neither leaves a remainder nor overcharges;
 * - payments fill instalments oldest first; an instalment unpaid when its due date ends is missed;
 *   the plan is broken once `brokenPlanAfterMissedInstallments` instalments are missed at once
 *   (paying a missed one cures it).
 */

export type PlanInstallment = PaymentPlan['installments'][number];

export const MAX_PLAN_INSTALLMENTS = 120;

/** Built-in plan nodes used when the client's paymentPlan list has none for that event. */
export const DEFAULT_PLAN_NODES: Partial<Record<PlanEvent, PlanNode[]>> = {
  reminder: [{ type: 'email', on: 'reminder', template: 'plan-reminder' }],
  late: [{ type: 'email', on: 'late', template: 'plan-late-notice' }],
};

/** The nodes that fire on a plan event; reminders and late notices always go out (built-in email) so no plan runs silent. */
export function planNodesFor(nodes: readonly PlanNode[], event: PlanEvent): PlanNode[] {
  const own = nodes.filter((n) => n.on === event);
  return own.length > 0 ? own : [...(DEFAULT_PLAN_NODES[event] ?? [])];
}

/**
 * Problems with a proposed plan, each naming the field (`installments[i].dueDate`). Empty when
 * valid. `balanceNote` explains the balance the total is held to, when the API's own balance
 * does not show it yet (costs a plan agreed in breathing space applies).
 */
export function planProblems(
  installments: readonly Installment[],
  balance: Pick<Balance, 'outstandingMinor' | 'settlementOutstandingMinor' | 'currency'>,
  today: string,
  balanceNote?: string,
): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (installments.length === 0) return [{ field: 'installments', message: 'a plan needs at least one instalment' }];
  if (installments.length > MAX_PLAN_INSTALLMENTS) {
    problems.push({ field: 'installments', message: `at most ${MAX_PLAN_INSTALLMENTS} instalments; got ${installments.length}` });
  }
  let previous: string | undefined;
  installments.forEach((inst, i) => {
    const f = `installments[${i}]`;
    if (!isRealIsoDate(inst.dueDate)) {
      problems.push({ field: `${f}.dueDate`, message: 'must be a real calendar date YYYY-MM-DD' });
    } else {
      if (inst.dueDate <= today) problems.push({ field: `${f}.dueDate`, message: `must be after today (${today})` });
      if (previous && inst.dueDate <= previous) problems.push({ field: `${f}.dueDate`, message: `must be later than the instalment before it (${previous}); list instalments in date order, one per day at most` });
      previous = inst.dueDate;
    }
    if (!Number.isSafeInteger(inst.amountMinor) || inst.amountMinor <= 0) {
      problems.push({ field: `${f}.amountMinor`, message: 'must be a whole number of minor units greater than 0' });
    }
  });
  const amountsValid = installments.every((i) => Number.isSafeInteger(i.amountMinor) && i.amountMinor > 0);
  if (amountsValid) {
    const total = installments.reduce((s, i) => s + i.amountMinor, 0);
    const target = balance.settlementOutstandingMinor ?? balance.outstandingMinor;
    const what = `${balance.settlementOutstandingMinor !== undefined ? 'left to pay of the agreed settlement' : 'outstanding'}${balanceNote ? ` (${balanceNote})` : ''}`;
    const fmt = (m: number) => formatMoney(m, balance.currency);
    if (target <= 0) {
      problems.push({ field: 'installments', message: `nothing is ${what}; no plan is needed` });
    } else if (total < target) {
      problems.push({ field: 'installments', message: `instalments total ${fmt(total)} but ${fmt(target)} is ${what}: add ${fmt(target - total)} (e.g. to the last instalment)` });
    } else if (total > target) {
      problems.push({ field: 'installments', message: `instalments total ${fmt(total)} but only ${fmt(target)} is ${what}: remove ${fmt(total - target)}` });
    }
  }
  return problems;
}

/** Throws a ValidationError listing every problem with a proposed plan (see planProblems). */
export function validatePlan(
  installments: readonly Installment[],
  balance: Pick<Balance, 'outstandingMinor' | 'settlementOutstandingMinor' | 'currency'>,
  today: string,
  balanceNote?: string,
): void {
  const problems = planProblems(installments, balance, today, balanceNote);
  if (problems.length > 0) {
    throw new ValidationError(`the payment plan is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
  }
}

/** A new active plan from validated instalments. */
export function newPlan(installments: readonly Installment[], agreedAt: string): PaymentPlan {
  return {
    agreedAt,
    status: 'active',
    installments: installments.map((i) => ({ dueDate: i.dueDate, amountMinor: i.amountMinor, paidMinor: 0, status: 'due' as const })),
  };
}

export function isPlanFullyPaid(plan: PaymentPlan): boolean {
  return plan.installments.every((i) => i.paidMinor >= i.amountMinor);
}

/**
 * Allocates a payment to instalments, oldest first, each up to its amount. Returns what went
 * to the plan and what was left over (a payment beyond the plan).
 */
export function allocateToInstallments(plan: PaymentPlan, amountMinor: number): { plan: PaymentPlan; appliedMinor: number; leftoverMinor: number; paidInstallments: number[] } {
  let left = amountMinor;
  const paidInstallments: number[] = [];
  const installments = plan.installments.map((inst, i) => {
    const open = inst.amountMinor - inst.paidMinor;
    if (left <= 0 || open <= 0) return inst;
    const take = Math.min(left, open);
    left -= take;
    const paidMinor = inst.paidMinor + take;
    if (paidMinor >= inst.amountMinor) paidInstallments.push(i);
    return { ...inst, paidMinor, status: paidMinor >= inst.amountMinor ? ('paid' as const) : inst.status };
  });
  return { plan: { ...plan, installments }, appliedMinor: amountMinor - left, leftoverMinor: left, paidInstallments };
}

export type DueCheckOutcome = 'paid' | 'late' | 'broken' | 'completed';

export interface DueCheckResult {
  outcome: DueCheckOutcome;
  plan: PaymentPlan;
  /** Instalments unpaid past their due date after this check. */
  missedCount: number;
}

/**
 * The check run when instalment `index` falls due. Every instalment up to `index` not yet
 * checked is checked too (a check that was skipped, e.g. during a hold, is not lost).
 * completed: every instalment is paid. paid: this one is. broken: `brokenAfterMissed` or more
 * are missed, or the last instalment is unpaid. late: otherwise. Checking the same instalment again gives the same outcome.
 */
export function evaluateDueCheck(plan: PaymentPlan, index: number, opts: { checkedAt: string; brokenAfterMissed?: number }): DueCheckResult {
  if (!Number.isInteger(index) || index < 0 || index >= plan.installments.length) {
    throw new ValidationError(`instalment ${index} does not exist; the plan has ${plan.installments.length} (numbered from 0)`, [{ field: 'index', message: 'no such instalment' }]);
  }
  const threshold = opts.brokenAfterMissed ?? 2;
  const installments = plan.installments.map((inst, i): PlanInstallment => {
    if (i > index) return inst;
    const paid = inst.paidMinor >= inst.amountMinor;
    return { ...inst, status: paid ? 'paid' : 'missed', checkedAt: inst.checkedAt ?? opts.checkedAt };
  });
  const checked: PaymentPlan = { ...plan, installments };
  const missedCount = installments.filter((i) => i.status === 'missed').length;
  if (isPlanFullyPaid(checked)) return { outcome: 'completed', plan: { ...checked, status: 'completed' }, missedCount };
  if (installments[index]!.status === 'paid') return { outcome: 'paid', plan: checked, missedCount };
  // The last instalment unpaid at its due date breaks the plan whatever the threshold: no later check could complete it.
  const last = index === plan.installments.length - 1;
  if (missedCount >= threshold || last) return { outcome: 'broken', plan: { ...checked, status: 'broken' }, missedCount };
  return { outcome: 'late', plan: checked, missedCount };
}

/**
 * Moves the instalments not yet checked and due on or after `fromDay` later by `days` (a hold
 * suspends the plan; on release the debtor gets the same time back). Paid ones move too, harmlessly.
 */
export function shiftPlan(plan: PaymentPlan, fromDay: string, days: number): PaymentPlan {
  if (days <= 0) return plan;
  return {
    ...plan,
    installments: plan.installments.map((i) => (!i.checkedAt && i.dueDate >= fromDay ? { ...i, dueDate: addDays(i.dueDate, days) } : i)),
  };
}

/** Whole days a hold lasted, rounded up, for shiftPlan. */
export function holdDays(since: string, until: string): number {
  return Math.max(0, Math.ceil((Date.parse(until) - Date.parse(since)) / DAY_MS));
}

export type PlanStepKind = 'agreed' | 'reminder' | 'due_check';

/** One step of the payment-plan workflow: a message node to send, or (due_check, no node) a check to run. */
export interface PlanStep {
  at: string;
  /** Position in this schedule (for splitForExecutionLimits). */
  index: number;
  kind: PlanStepKind;
  installmentIndex?: number;
  node?: PlanNode;
}

/**
 * The steps of the payment-plan workflow from `now`:
 * - `agreed` nodes at `now` (not when `resumed`);
 * - `reminder` nodes `reminderDays` before each due date (0: on the day), for instalments not yet
 *   checked or paid;
 *   a reminder whose moment has passed is dropped;
 * - a `due_check` (no node) when each due date ends (00:00 UTC the next day, or the next send
 *   hour), for instalments not yet checked; a check whose moment has passed runs at `now`.
 * Late / broken / completed messages follow from the check's outcome (transition actions).
 * An empty or partial node list still gets the built-in email reminder and late notice.
 */
export function planSchedule(args: {
  plan: PaymentPlan;
  reminderDays: number;
  nodes: readonly PlanNode[];
  now: string;
  resumed?: boolean;
}): PlanStep[] {
  const { plan, reminderDays, nodes, now } = args;
  const nowMs = Date.parse(now);
  const startOfDay = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);
  const raw: Omit<PlanStep, 'index'>[] = [];
  // There is no built-in "agreed" message: only the client's own agreed nodes fire.
  if (!args.resumed) for (const node of planNodesFor(nodes, 'agreed')) raw.push({ at: now, kind: 'agreed', node });
  plan.installments.forEach((inst, i) => {
    if (inst.checkedAt) return;
    const remindMs = startOfDay(addDays(inst.dueDate, -reminderDays));
    if (remindMs >= nowMs && inst.paidMinor < inst.amountMinor) {
      for (const node of planNodesFor(nodes, 'reminder')) raw.push({ at: new Date(remindMs).toISOString(), kind: 'reminder', installmentIndex: i, node });
    }
    const checkMs = Math.max(nowMs, startOfDay(addDays(inst.dueDate, 1)));
    raw.push({ at: new Date(checkMs).toISOString(), kind: 'due_check', installmentIndex: i });
  });
  const order: Record<PlanStepKind, number> = { agreed: 0, reminder: 1, due_check: 2 };
  return raw
    .map((s, i) => ({ s, i }))
    .sort((a, b) => Date.parse(a.s.at) - Date.parse(b.s.at) || order[a.s.kind] - order[b.s.kind] || a.i - b.i)
    .map(({ s }, index) => ({ ...s, index }));
}

/** A reminder is only worth sending while its instalment is unpaid and unchecked (guard at send time). */
export function shouldSendReminder(plan: PaymentPlan | undefined, installmentIndex: number): boolean {
  const inst = plan?.status === 'active' ? plan.installments[installmentIndex] : undefined;
  return Boolean(inst && !inst.checkedAt && inst.paidMinor < inst.amountMinor);
}

/** Days from `today` to each unpaid instalment, for messages ("due in 3 days"). */
export function daysUntilDue(inst: Pick<PlanInstallment, 'dueDate'>, today: string): number {
  return daysBetween(today, inst.dueDate);
}
