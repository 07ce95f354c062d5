import { ConflictError, ValidationError } from '../errors';
import { CONTACT_CHANNELS, type Case, type ClosedReason, type ContactChannel, type Installment, type Phase, type TimelineEvent, type WorkflowRun } from '../schemas/case';
import type { Client } from '../schemas/client';
import type { Address } from '../schemas/common';
import type { PlanEvent, PlanNode, WorkflowKind } from '../schemas/workflow';
import type { EffectiveSettings } from './effective-settings';
import {
  agreeSettlement,
  applyCharges,
  applyPayment,
  balanceAsOf,
  closeLedger,
  dayOf,
  isSettled,
  resumeInterest,
  suspendInterest,
  type Balance,
  type PaymentAllocation,
} from './ledger';
import { formatMoney } from './money';
import { normaliseEmail, normaliseName, normalisePhone, normalisePostcode } from './normalise';
import {
  allocateToInstallments,
  evaluateDueCheck,
  holdDays,
  isPlanFullyPaid,
  newPlan,
  planNodesFor,
  shiftPlan,
  validatePlan,
  type DueCheckOutcome,
} from './payment-plan';
import { executionName } from './workflow-names';

/**
 * The phase machine of a case: `transition(case, event, ctx) -> { case', actions }`, pure.
 * Phase rules are in shared/domain/README.md; the table `ALLOWED_PHASES` says which phase
 * accepts which event.
 *
 * How the adapter uses it: load the case, call `transition`, write the new case with the
 * version it read (optimistic lock; on a version conflict reload and call again), then run the
 * actions in order. Every action is safe to repeat: stopping a finished execution is a no-op,
 * starts use deterministic execution names (ExecutionAlreadyExists = done), timeline entries
 * carry their instant, messages carry an idempotency key (`actionKey`).
 *
 * Refusals: `transition` throws ConflictError (409) with code `phase_conflict` (event not
 * allowed in this phase, or not in this state of it) or `stale_execution` (a workflow reports for
 * a run that is no longer the case's current one: the caller should just stop). `tryTransition`
 * returns those refusals as a value instead. Bad event data throws ValidationError (400) from both.
 */

export const OPEN_PHASES = ['breathing_space', 'outreach', 'payment_plan', 'on_hold', 'retry'] as const satisfies readonly Phase[];
export type OpenPhase = (typeof OPEN_PHASES)[number];

/** The workflow kind each open phase runs. */
export const PHASE_WORKFLOW: Record<OpenPhase, WorkflowKind> = {
  breathing_space: 'breathingSpace',
  outreach: 'mainOutreach',
  payment_plan: 'paymentPlan',
  on_hold: 'onHold',
  retry: 'retry',
};

/** Contact data found by enrichment (skip tracing). */
export interface ContactData {
  email?: string;
  phone?: string;
  address?: Address;
}

/** Events from workflows may name the execution that sends them; a stale run is refused, and a run is not told to stop itself (its step does that once its work is done: see completeStep). */
interface FromExecution {
  executionName?: string;
}

export type CaseEvent =
  /** A new case: starts breathing space, or (disabled) applies charges and starts outreach. */
  | { type: 'opened' }
  | ({ type: 'breathing_space_ended' } & FromExecution)
  | ({ type: 'workflow_finished'; kind: WorkflowKind } & FromExecution)
  /** An execution hit the execution limits and continues as a new one (see splitForExecutionLimits). */
  | ({ type: 'workflow_continued'; kind: WorkflowKind; nextIndex?: number } & FromExecution)
  /** A timed workflow's node at `index` (firing order) ran or was skipped: progress moves past it. */
  | ({ type: 'step_done'; kind: WorkflowKind; index: number } & FromExecution)
  | { type: 'plan_agreed'; installments: Installment[] }
  | ({ type: 'installment_due_checked'; index: number } & FromExecution)
  | ({ type: 'plan_broken'; note?: string } & FromExecution)
  | ({ type: 'plan_completed' } & FromExecution)
  | { type: 'hold'; reason: 'dispute' | 'investigation'; note?: string }
  | { type: 'release'; resumeTo?: 'outreach' | 'payment_plan' }
  | { type: 'payment'; amountMinor: number; receivedAt: string; method?: string; reference?: string }
  | { type: 'settle'; amountMinor: number }
  /**
   * A skip-trace lookup answered. `cost`: what the lookup cost the client (its finances' price of
   * an attempt, in the client's currency), added to the case's enrichment total.
   */
  | { type: 'enriched'; contacts: ContactData; source?: string; cost?: { amountMinor: number; currency: string } }
  /** The debtor refused (false) or allowed again (true) a channel of contact, e.g. replied STOP to an SMS. */
  | { type: 'contact_preferences'; allowed: Partial<Record<ContactChannel, boolean>>; note?: string }
  | { type: 'close'; reason: ClosedReason; note?: string };

export type CaseEventType = CaseEvent['type'];

export interface TransitionContext {
  /** The instant of the change (ISO). */
  now: string;
  client: Pick<Client, 'settings' | 'finances'>;
  settings: EffectiveSettings;
}

export type CaseAction =
  /** Stop the case's old execution (a no-op when it already ended). */
  | { type: 'stop_execution'; executionName: string; kind: WorkflowKind; cause: string }
  /** Put `{ caseId, kind, seq }` on the start queue. `resumed`: continue from progress instead of starting over. */
  | { type: 'start_workflow'; kind: WorkflowKind; seq: number; executionName: string; resumed: boolean }
  /** Append to the case's timeline. */
  | { type: 'timeline'; entry: TimelineEvent }
  /** Email the debtor that the case closed. `template` is looked up like any template (client, entity, built-in); `builtin` says it is the built-in default name. */
  | { type: 'send_closure_email'; reason: 'paid_in_full' | 'settled'; template: string; builtin: boolean; key: string }
  /** Send the payment-plan nodes for an event that the plan workflow cannot send itself (it stops or it follows a check). */
  | { type: 'send_plan_message'; event: Extract<PlanEvent, 'late' | 'broken' | 'completed'>; installmentIndex?: number; nodes: PlanNode[]; key: string };

export interface TransitionResult {
  ok: true;
  case: Case;
  actions: CaseAction[];
  /** For a due check (installment_due_checked): what it found. */
  outcome?: DueCheckOutcome;
  /** For a payment: how it was split. */
  allocation?: PaymentAllocation;
  /** For a payment whose reference was recorded before: that payment; nothing changed now. */
  duplicateOf?: { reference: string; amountMinor: number; receivedAt: string; recordedAt: string };
}

export interface TransitionRefusal {
  ok: false;
  code: 'phase_conflict' | 'stale_execution';
  message: string;
  /** Phases in which this event is accepted. */
  allowedIn: readonly Phase[];
}

const HOLDABLE = ['breathing_space', 'outreach', 'payment_plan', 'retry'] as const satisfies readonly Phase[];

/** Which phase accepts which event; closed accepts none. Some events have further conditions (see messages). */
export const ALLOWED_PHASES: Record<CaseEventType, readonly Phase[]> = {
  opened: OPEN_PHASES,
  breathing_space_ended: ['breathing_space'],
  workflow_finished: OPEN_PHASES,
  workflow_continued: OPEN_PHASES,
  step_done: OPEN_PHASES,
  plan_agreed: HOLDABLE,
  installment_due_checked: ['payment_plan'],
  plan_broken: ['payment_plan'],
  plan_completed: ['payment_plan'],
  hold: HOLDABLE,
  release: ['on_hold'],
  payment: OPEN_PHASES,
  settle: OPEN_PHASES,
  enriched: OPEN_PHASES,
  contact_preferences: OPEN_PHASES,
  close: OPEN_PHASES,
};

const CONTACT_WORD: Record<ContactChannel, string> = { email: 'email', sms: 'SMS', phone: 'phone', post: 'post' };

/**
 * How a new case opens: the one rule both the importer's new cases and the `opened` event
 * follow. A breathing space of at least a day comes first (no costs or interest yet); a breathing
 * space that is off, or of 0 days, applies the charges at once and starts outreach.
 */
export interface CaseOpening {
  phase: 'breathing_space' | 'outreach';
  kind: 'breathingSpace' | 'mainOutreach';
  /** Set when the case opens in breathing space. */
  breathingSpaceDays?: number;
  /** Costs and interest are applied when the case opens. */
  chargesNow: boolean;
}

export function caseOpening(settings: Pick<EffectiveSettings, 'breathingSpace'>): CaseOpening {
  const bs = settings.breathingSpace;
  if (bs.enabled && bs.days > 0) return { phase: 'breathing_space', kind: 'breathingSpace', breathingSpaceDays: bs.days, chargesNow: false };
  return { phase: 'outreach', kind: 'mainOutreach', chargesNow: true };
}

/** Closed reasons an operator may give; paid_in_full and settled come from the money alone. */
export const MANUAL_CLOSE_REASONS = ['withdrawn', 'written_off'] as const;

/** Built-in closure template names (see templates.ts). */
export const CLOSURE_TEMPLATES = { paid_in_full: 'closure-paid-in-full', settled: 'closure-settled' } as const;

class Refused extends Error {
  constructor(
    readonly code: TransitionRefusal['code'],
    message: string,
  ) {
    super(message);
  }
}

/** Applies an event; throws ConflictError (409) when the case refuses it. */
export function transition(c: Case, event: CaseEvent, ctx: TransitionContext): TransitionResult {
  const r = tryTransition(c, event, ctx);
  if (!r.ok) throw new ConflictError(r.message, r.code);
  return r;
}

/**
 * The payment already recorded under this payment's reference, when it is the same payment
 * (amount); a reference reused for another amount is refused: references identify payments.
 */
function repeatedPayment(c: Case, e: Extract<CaseEvent, { type: 'payment' }>): TransitionResult['duplicateOf'] {
  const prior = e.reference ? c.ledger.paymentReferences?.[e.reference] : undefined;
  if (!prior || !e.reference) return undefined;
  if (prior.amountMinor !== e.amountMinor) {
    throw new ConflictError(
      `payment reference ${e.reference} was recorded on ${prior.recordedAt.slice(0, 10)} for ${formatMoney(prior.amountMinor, c.ledger.currency)}; a different payment needs a reference of its own`,
      'duplicate_reference',
    );
  }
  return { reference: e.reference, ...prior };
}

/**
 * Applies an event; returns a refusal instead of throwing one. Still throws ValidationError for
 * bad event data, and ConflictError for a payment reference reused for another amount.
 */
export function tryTransition(c: Case, event: CaseEvent, ctx: TransitionContext): TransitionResult | TransitionRefusal {
  const allowedIn = ALLOWED_PHASES[event.type];
  // A payment sent again (a client's retry) is answered as recorded, even once it closed the case.
  const repeated = event.type === 'payment' ? repeatedPayment(c, event) : undefined;
  if (repeated) return { ok: true, case: { ...c }, actions: [], duplicateOf: repeated }; // a result (a copy, as every result is), changing nothing
  if (c.phase === 'closed') {
    return {
      ok: false,
      code: 'phase_conflict',
      message: `case ${c.caseId} is closed${c.closedReason ? ` (${c.closedReason})` : ''}; it accepts no ${event.type.replace(/_/g, ' ')} or any other change, only reading`,
      allowedIn,
    };
  }
  if (!allowedIn.includes(c.phase)) {
    return { ok: false, code: 'phase_conflict', message: `${event.type} is not allowed while the case is ${c.phase}; it is allowed in: ${allowedIn.join(', ')}${hint(c, event)}`, allowedIn };
  }
  try {
    return apply(new Draft(c, ctx, event), event);
  } catch (e) {
    if (e instanceof Refused) return { ok: false, code: e.code, message: e.message, allowedIn };
    throw e;
  }
}

function hint(c: Case, event: CaseEvent): string {
  if (c.phase === 'on_hold' && event.type !== 'release') return ' (release the hold first)';
  if (event.type === 'release') return ' (the case is not on hold)';
  return '';
}

/** A case being changed, with the actions collected on the way. */
class Draft {
  c: Case;
  readonly actions: CaseAction[] = [];
  readonly today: string;
  constructor(
    original: Case,
    readonly ctx: TransitionContext,
    readonly event: CaseEvent,
  ) {
    this.c = structuredClone(original);
    this.today = dayOf(ctx.now);
  }

  readonly money = (m: number): string => formatMoney(m, this.c.ledger.currency);

  timeline(type: string, message: string, data?: Record<string, unknown>): void {
    this.actions.push({ type: 'timeline', entry: { at: this.ctx.now, type, message, ...(data ? { data } : {}) } });
  }

  /** Stops the running execution unless the event comes from it (it is ending by itself). */
  stopCurrent(cause: string): void {
    const run = this.c.workflow;
    if (!run) return;
    const from = (this.event as FromExecution).executionName;
    if (from !== run.executionName) this.actions.push({ type: 'stop_execution', executionName: run.executionName, kind: run.kind, cause });
    this.c.workflow = undefined;
  }

  /**
   * A timed run started without a progress entry (e.g. created by the importer) gets one from
   * the run itself, so holds and continuations still know when it started.
   */
  ensureProgress(kind: WorkflowKind): void {
    const run = this.c.workflow;
    if (kind === 'paymentPlan' || this.c.progress[kind] || run?.kind !== kind) return;
    this.c.progress = { ...this.c.progress, [kind]: { startedAt: run.startedAt, nextNode: 0, shiftMs: 0 } };
  }

  /** Marks a timed workflow paused, so a later resume shifts what is left by the pause. */
  pause(kind: WorkflowKind): void {
    this.ensureProgress(kind);
    const p = this.c.progress[kind];
    if (p && !p.pausedAt) this.c.progress = { ...this.c.progress, [kind]: { ...p, pausedAt: this.ctx.now } };
  }

  /** Starts a workflow run: `resume` continues its recorded progress (shifted by the pause), else it starts over. */
  start(kind: WorkflowKind, mode: 'fresh' | 'resume'): void {
    const existing = this.c.progress[kind];
    let resumed = false;
    if (kind !== 'paymentPlan') {
      if (mode === 'resume' && existing) {
        const paused = existing.pausedAt ? Math.max(0, Date.parse(this.ctx.now) - Date.parse(existing.pausedAt)) : 0;
        const { pausedAt: _p, ...rest } = existing;
        this.c.progress = { ...this.c.progress, [kind]: { ...rest, shiftMs: (existing.shiftMs ?? 0) + paused } };
        resumed = true;
      } else {
        this.c.progress = { ...this.c.progress, [kind]: { startedAt: this.ctx.now, nextNode: 0, shiftMs: 0 } };
      }
    } else {
      resumed = mode === 'resume';
    }
    this.launch(kind, resumed);
  }

  launch(kind: WorkflowKind, resumed: boolean): void {
    const seq = Math.max(this.c.workflowSeq ?? 0, this.c.workflow?.seq ?? 0) + 1;
    const name = executionName(this.c.caseId, kind, seq);
    const run: WorkflowRun = { kind, executionName: name, seq, startedAt: this.ctx.now, ...(resumed ? { resumed } : {}) };
    this.c.workflow = run;
    this.c.workflowSeq = seq;
    this.actions.push({ type: 'start_workflow', kind, seq, executionName: name, resumed });
  }

  /** Leaves the current phase: stops its run and pauses its timed workflow. */
  leave(cause: string): void {
    if (this.c.phase !== 'closed' && this.c.phase !== 'payment_plan' && this.c.phase !== 'on_hold') this.pause(PHASE_WORKFLOW[this.c.phase]);
    this.stopCurrent(cause);
  }

  phase(to: Phase, why: string): void {
    const from = this.c.phase;
    this.c.phase = to;
    this.timeline('phase_changed', `${from} -> ${to}: ${why}`, { from, to });
  }

  applyCharges(): void {
    if (this.c.ledger.chargesAppliedAt) return;
    this.c.ledger = applyCharges(this.c.ledger, this.ctx.client.finances, this.today, this.ctx.now);
    const rate = this.c.ledger.annualRatePercent;
    this.timeline('charges_applied', `costs ${this.money(this.c.ledger.costsMinor)} applied; interest at ${rate}% a year from ${this.today}`, {
      costsMinor: this.c.ledger.costsMinor,
      annualRatePercent: rate,
      interestFrom: this.today,
    });
  }

  balance(): Balance {
    return balanceAsOf(this.c.ledger, this.today);
  }

  /** Enters outreach, continuing it where it stopped when it ran before. */
  toOutreach(why: string): void {
    this.phase('outreach', why);
    this.start('mainOutreach', this.c.progress.mainOutreach ? 'resume' : 'fresh');
  }

  close(reason: ClosedReason, why: string): void {
    this.stopCurrent(`case closed (${reason})`);
    if (reason === 'paid_in_full' || reason === 'settled') {
      if (this.c.paymentPlan?.status === 'active') this.c.paymentPlan = { ...this.c.paymentPlan, status: 'completed' };
    }
    this.c.hold = undefined;
    this.c.ledger = closeLedger(this.c.ledger, this.today, reason === 'settled' || reason === 'written_off');
    this.c.closedReason = reason;
    this.c.closedAt = this.ctx.now;
    this.phase('closed', why);
    const off = this.c.ledger.writtenOffMinor;
    this.timeline('case_closed', `case closed: ${reason.replace(/_/g, ' ')}${off ? `; ${this.money(off)} written off` : ''}`, { reason, balance: this.balance() });
    const dc = this.ctx.client.settings.debtorCommunication;
    if (reason === 'paid_in_full' && dc.emailOnClosePaidInFull) {
      this.actions.push({ type: 'send_closure_email', reason, template: dc.paidInFullTemplate ?? CLOSURE_TEMPLATES.paid_in_full, builtin: !dc.paidInFullTemplate, key: `${this.c.caseId}:closure` });
    }
    if (reason === 'settled' && dc.emailOnCloseSettlement) {
      this.actions.push({ type: 'send_closure_email', reason, template: dc.settlementTemplate ?? CLOSURE_TEMPLATES.settled, builtin: !dc.settlementTemplate, key: `${this.c.caseId}:closure` });
    }
  }

  /** After money moved: closes paid in full (nothing outstanding) or settled (settlement reached). */
  closeIfPaid(): boolean {
    const b = this.balance();
    if (b.outstandingMinor === 0) {
      this.close('paid_in_full', 'nothing is outstanding');
      return true;
    }
    if (isSettled(this.c.ledger)) {
      this.close('settled', `the agreed settlement of ${this.money(this.c.ledger.settlementAmountMinor ?? 0)} is paid`);
      return true;
    }
    return false;
  }

  planMessage(event: 'late' | 'broken' | 'completed', installmentIndex?: number): void {
    const nodes = planNodesFor(this.ctx.settings.workflows.paymentPlan, event);
    if (nodes.length === 0) return;
    const agreedAt = this.c.paymentPlan?.agreedAt ?? '';
    const key = `${this.c.caseId}:plan:${agreedAt}:${event}${installmentIndex === undefined ? '' : `:${installmentIndex}`}`;
    this.actions.push({ type: 'send_plan_message', event, ...(installmentIndex === undefined ? {} : { installmentIndex }), nodes, key });
  }

  /** The plan is broken: interest runs again and the case returns to outreach where it stopped. */
  breakPlan(why: string): void {
    const plan = this.c.paymentPlan;
    if (plan) this.c.paymentPlan = { ...plan, status: 'broken' };
    this.c.ledger = resumeInterest(this.c.ledger, this.today);
    this.timeline('plan_broken', `payment plan broken: ${why}`, { missed: plan?.installments.filter((i) => i.status === 'missed').length ?? 0 });
    this.planMessage('broken');
    this.stopCurrent('payment plan broken');
    this.toOutreach('the payment plan was broken');
  }

  /** Every instalment is paid: closes the case when nothing is left; otherwise back to outreach for the rest. */
  completePlan(): void {
    const plan = this.c.paymentPlan;
    if (plan) this.c.paymentPlan = { ...plan, status: 'completed' };
    this.timeline('plan_completed', 'payment plan completed: every instalment is paid');
    this.planMessage('completed');
    if (this.closeIfPaid()) return;
    this.c.ledger = resumeInterest(this.c.ledger, this.today);
    this.stopCurrent('payment plan completed');
    this.toOutreach(`the payment plan is complete but ${this.money(this.balance().outstandingMinor)} is still outstanding`);
  }

  result(extra: Partial<TransitionResult> = {}): TransitionResult {
    return { ok: true, case: this.c, actions: this.actions, ...extra };
  }
}

function refuse(message: string, code: TransitionRefusal['code'] = 'phase_conflict'): never {
  throw new Refused(code, message);
}

/** A workflow event must come from the case's current run of that kind. */
function requireCurrentRun(d: Draft, kind: WorkflowKind, what: string): WorkflowRun {
  const run = d.c.workflow;
  const from = (d.event as FromExecution).executionName;
  if (!run || run.kind !== kind || (from !== undefined && from !== run.executionName)) {
    refuse(
      `${what} from ${from ?? `a ${kind} run`} is stale: the case's current run is ${run ? run.executionName : 'none'} (phase ${d.c.phase}); stop quietly`,
      'stale_execution',
    );
  }
  return run;
}

function requireActivePlan(d: Draft) {
  const plan = d.c.paymentPlan;
  if (!plan || plan.status !== 'active') refuse(`the case has no active payment plan${plan ? ` (it is ${plan.status})` : ''}; agree one with POST /cases/${d.c.caseId}/payment-plan`);
  return plan;
}

function assertInstant(value: string, field: string): void {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new ValidationError(`${field} must be an ISO 8601 instant, e.g. 2026-01-31T09:00:00Z`, [{ field, message: 'must be an ISO 8601 instant' }]);
  }
}

function apply(d: Draft, e: CaseEvent): TransitionResult {
  const s = d.ctx.settings;
  switch (e.type) {
    case 'opened': {
      if (d.c.workflow || (d.c.workflowSeq ?? 0) > 0) refuse(`case ${d.c.caseId} was opened already (it is ${d.c.phase}, run ${d.c.workflow?.executionName ?? 'none'})`);
      const opening = caseOpening(s);
      d.timeline('case_opened', opening.breathingSpaceDays ? `case opened with a breathing space of ${opening.breathingSpaceDays} days` : 'case opened without breathing space');
      if (opening.breathingSpaceDays) {
        d.c.breathingSpaceDays = opening.breathingSpaceDays;
        if (d.c.phase !== 'breathing_space') d.phase('breathing_space', 'breathing space starts');
        d.start('breathingSpace', 'fresh');
      } else {
        d.applyCharges();
        if (d.c.phase !== 'outreach') d.phase('outreach', 'breathing space is off');
        d.start('mainOutreach', 'fresh');
      }
      return d.result();
    }

    case 'breathing_space_ended': {
      if (e.executionName !== undefined) requireCurrentRun(d, 'breathingSpace', 'breathing space end');
      return endBreathingSpace(d, 'the breathing space ended');
    }

    case 'workflow_finished': {
      requireCurrentRun(d, e.kind, `${e.kind} finished`);
      if (e.kind === 'breathingSpace') return endBreathingSpace(d, 'the breathing space ended');
      d.c.workflow = undefined;
      d.timeline('workflow_finished', `${e.kind} workflow finished`, { kind: e.kind });
      if (e.kind === 'retry') d.toOutreach('the retry workflow finished');
      return d.result();
    }

    case 'workflow_continued': {
      const run = requireCurrentRun(d, e.kind, `${e.kind} continuation`);
      d.ensureProgress(e.kind);
      const p = d.c.progress[e.kind];
      if (p && e.nextIndex !== undefined) d.c.progress = { ...d.c.progress, [e.kind]: { ...p, nextNode: Math.max(p.nextNode, e.nextIndex) } };
      d.c.workflow = undefined; // the old run ends by itself after starting the next
      d.c.workflowSeq = Math.max(d.c.workflowSeq ?? 0, run.seq);
      d.launch(e.kind, true);
      d.timeline('workflow_continued', `${e.kind} workflow continues as ${d.c.workflow!.executionName} (execution limits)`, { kind: e.kind, from: run.executionName });
      return d.result();
    }

    case 'step_done': {
      requireCurrentRun(d, e.kind, `${e.kind} step`);
      if (!Number.isInteger(e.index) || e.index < 0) throw new ValidationError('index must be a whole number >= 0', [{ field: 'index', message: 'must be an integer >= 0' }]);
      d.ensureProgress(e.kind);
      const p = d.c.progress[e.kind];
      if (p && e.index + 1 > p.nextNode) d.c.progress = { ...d.c.progress, [e.kind]: { ...p, nextNode: e.index + 1 } };
      return d.result();
    }

    case 'plan_agreed': {
      // The plan in force agreed again (a retried request): nothing to replace.
      const active = d.c.paymentPlan?.status === 'active' ? d.c.paymentPlan : undefined;
      if (active && sameInstalments(active.installments, e.installments)) return d.result();
      const inBreathingSpace = d.c.phase === 'breathing_space';
      // Agreeing a plan ends the breathing space: charges apply now, and the plan covers them.
      if (inBreathingSpace) d.applyCharges();
      const before = d.balance();
      validatePlan(e.installments, before, d.today, inBreathingSpace ? 'costs included: agreeing a plan ends the breathing space' : undefined);
      const replacing = d.c.paymentPlan?.status === 'active';
      d.c.ledger = suspendInterest(d.c.ledger, d.today);
      d.leave(replacing ? 'payment plan replaced' : 'payment plan agreed');
      d.c.paymentPlan = newPlan(e.installments, d.ctx.now);
      const total = e.installments.reduce((sum, i) => sum + i.amountMinor, 0);
      d.timeline('plan_agreed', `payment plan ${replacing ? 'replaced' : 'agreed'}: ${e.installments.length} instalment(s), ${d.money(total)}, first due ${e.installments[0]!.dueDate}; interest frozen while it is kept`, {
        installments: e.installments,
        totalMinor: total,
      });
      if (d.c.phase !== 'payment_plan') d.phase('payment_plan', 'a payment plan was agreed');
      d.start('paymentPlan', 'fresh');
      return d.result();
    }

    case 'installment_due_checked': {
      requireCurrentRun(d, 'paymentPlan', 'due check');
      const plan = requireActivePlan(d);
      const target = plan.installments[e.index];
      if (target && d.today <= target.dueDate) refuse(`instalment ${e.index + 1} is due on ${target.dueDate}; it can be checked once that day has ended`);
      const already = target?.checkedAt !== undefined;
      const r = evaluateDueCheck(plan, e.index, { checkedAt: d.ctx.now, brokenAfterMissed: s.brokenPlanAfterMissedInstallments });
      if (already) return d.result({ outcome: r.outcome }); // a replayed check changes and sends nothing
      d.c.paymentPlan = r.plan;
      const inst = plan.installments[e.index]!;
      d.timeline('plan_installment_checked', `instalment ${e.index + 1} of ${plan.installments.length} (${d.money(inst.amountMinor)} due ${inst.dueDate}): ${r.outcome}`, {
        index: e.index,
        outcome: r.outcome,
        missed: r.missedCount,
      });
      if (r.outcome === 'late') d.planMessage('late', e.index);
      if (r.outcome === 'broken') d.breakPlan(`${r.missedCount} instalment(s) missed`);
      if (r.outcome === 'completed') d.completePlan();
      return d.result({ outcome: r.outcome });
    }

    case 'plan_broken': {
      if (e.executionName !== undefined) requireCurrentRun(d, 'paymentPlan', 'plan broken');
      requireActivePlan(d);
      d.breakPlan(e.note ?? 'declared broken');
      return d.result();
    }

    case 'plan_completed': {
      if (e.executionName !== undefined) requireCurrentRun(d, 'paymentPlan', 'plan completed');
      const plan = requireActivePlan(d);
      if (!isPlanFullyPaid(plan)) {
        const paid = plan.installments.filter((i) => i.paidMinor >= i.amountMinor).length;
        refuse(`the plan is not complete: ${paid} of ${plan.installments.length} instalments are paid`);
      }
      d.completePlan();
      return d.result();
    }

    case 'hold': {
      const fromPhase = d.c.phase as OpenPhase;
      d.leave(`on hold: ${e.reason}`);
      d.c.hold = { reason: e.reason, ...(e.note ? { note: e.note } : {}), since: d.ctx.now, fromPhase };
      d.timeline('hold_started', `on hold (${e.reason})${e.note ? `: ${e.note}` : ''}; regular communication suspended`, { reason: e.reason, fromPhase });
      d.phase('on_hold', e.reason);
      d.start('onHold', 'fresh');
      return d.result();
    }

    case 'release': {
      const hold = d.c.hold;
      const from = (hold?.fromPhase ?? 'outreach') as Phase;
      const target = e.resumeTo ?? (from === 'on_hold' || from === 'closed' ? 'outreach' : from);
      const plan = d.c.paymentPlan;
      if (target === 'payment_plan' && plan?.status !== 'active') {
        refuse(`cannot resume to payment_plan: the case has no active payment plan${plan ? ` (it is ${plan.status})` : ''}; release to outreach or agree a new plan`);
      }
      d.stopCurrent('hold released');
      d.c.hold = undefined;
      const heldDays = hold ? holdDays(hold.since, d.ctx.now) : 0;
      d.timeline('hold_released', `hold released after ${heldDays} day(s); resuming ${target}`, { resumeTo: target, fromPhase: from });
      if (target === 'payment_plan') {
        if (hold && plan) d.c.paymentPlan = shiftPlan(plan, dayOf(hold.since), heldDays);
        d.phase('payment_plan', 'hold released');
        d.start('paymentPlan', 'resume');
      } else if (target === 'breathing_space') {
        d.phase('breathing_space', 'hold released');
        d.start('breathingSpace', 'resume');
      } else if (target === 'retry') {
        d.phase('retry', 'hold released');
        d.start('retry', 'resume');
      } else {
        if (from === 'breathing_space') d.applyCharges(); // released straight to outreach: the breathing space is over
        if (from === 'payment_plan' && plan?.status === 'active') {
          d.c.paymentPlan = { ...plan, status: 'broken' };
          d.c.ledger = resumeInterest(d.c.ledger, d.today);
          d.timeline('plan_cancelled', 'payment plan cancelled: the hold was released to outreach');
        }
        d.toOutreach('hold released');
      }
      return d.result();
    }

    case 'payment': {
      assertInstant(e.receivedAt, 'receivedAt');
      if (Date.parse(e.receivedAt) > Date.parse(d.ctx.now)) {
        throw new ValidationError(`receivedAt ${e.receivedAt} is in the future (now is ${d.ctx.now}); record a payment once it is received`, [
          { field: 'receivedAt', message: 'must not be in the future' },
        ]);
      }
      const { ledger, allocation } = applyPayment(d.c.ledger, e.amountMinor, e.receivedAt);
      d.c.ledger = e.reference
        ? { ...ledger, paymentReferences: { ...ledger.paymentReferences, [e.reference]: { amountMinor: e.amountMinor, receivedAt: e.receivedAt, recordedAt: d.ctx.now } } }
        : ledger;
      let planNote = '';
      const plan = d.c.paymentPlan;
      let planDone = false;
      if (plan?.status === 'active') {
        const r = allocateToInstallments(plan, e.amountMinor);
        d.c.paymentPlan = r.plan;
        planDone = isPlanFullyPaid(r.plan);
        if (r.paidInstallments.length) planNote = `; instalment(s) ${r.paidInstallments.map((i) => i + 1).join(', ')} paid`;
      }
      const m = d.money;
      const parts = [`costs ${m(allocation.costsMinor)}`, `interest ${m(allocation.interestMinor)}`, `principal ${m(allocation.principalMinor)}`];
      if (allocation.creditMinor > 0) parts.push(`overpaid ${m(allocation.creditMinor)}: refund or keep as credit`);
      d.timeline('payment_received', `payment of ${m(e.amountMinor)} received${e.method ? ` by ${e.method}` : ''} (${parts.join(', ')})${planNote}`, {
        amountMinor: e.amountMinor,
        receivedAt: e.receivedAt,
        ...(e.method ? { method: e.method } : {}),
        ...(e.reference ? { reference: e.reference } : {}),
        allocation,
      });
      if (planDone && d.c.phase === 'payment_plan') {
        d.completePlan();
      } else {
        d.closeIfPaid();
      }
      return d.result({ allocation });
    }

    case 'settle': {
      if (d.c.ledger.settlementAmountMinor === e.amountMinor) return d.result(); // agreed already (a retried request)
      d.c.ledger = agreeSettlement(d.c.ledger, e.amountMinor, d.today);
      const b = d.balance();
      d.timeline('settlement_agreed', `settlement of ${d.money(e.amountMinor)} agreed; ${d.money(b.settlementOutstandingMinor ?? 0)} left to pay`, {
        amountMinor: e.amountMinor,
        settlementOutstandingMinor: b.settlementOutstandingMinor,
      });
      d.closeIfPaid();
      return d.result();
    }

    case 'enriched': {
      const changed = newContactFields(d.c, e.contacts);
      // The lookup is paid whatever it found: its cost goes on the case and on the entry it writes.
      const cost = e.cost && e.cost.amountMinor > 0 ? e.cost : undefined;
      if (cost) d.c.enrichmentCostMinor = (d.c.enrichmentCostMinor ?? 0) + cost.amountMinor;
      const costData = cost ? { costMinor: cost.amountMinor, currency: cost.currency } : {};
      const costNote = cost ? `; cost ${formatMoney(cost.amountMinor, cost.currency)}` : '';
      if (changed.length === 0) {
        d.timeline('enrichment_no_news', `enrichment${e.source ? ` (${e.source})` : ''} found no new contact data${costNote}`, cost ? costData : undefined);
        return d.result();
      }
      const debtor = { ...d.c.debtor };
      if (changed.includes('email')) debtor.email = e.contacts.email!.trim();
      if (changed.includes('phone')) debtor.phone = e.contacts.phone!.trim();
      if (changed.includes('address')) debtor.address = { ...e.contacts.address };
      d.c.debtor = debtor;
      d.timeline('contacts_enriched', `enrichment${e.source ? ` (${e.source})` : ''} found new ${changed.join(', ')}${costNote}`, { changed, ...costData });
      if (d.c.phase === 'outreach' || d.c.phase === 'retry') {
        d.leave('new contact data: retry');
        if (d.c.phase !== 'retry') d.phase('retry', `new ${changed.join(', ')} found`);
        d.start('retry', 'fresh');
      }
      return d.result();
    }

    case 'contact_preferences': {
      const changed = CONTACT_CHANNELS.filter((ch) => e.allowed[ch] !== undefined && e.allowed[ch] !== (d.c.contactAllowed[ch] ?? true));
      if (changed.length === 0) return d.result(); // as it was: nothing to record
      const update = Object.fromEntries(changed.map((ch) => [ch, e.allowed[ch]]));
      d.c.contactAllowed = { ...d.c.contactAllowed, ...update };
      const words = (allowed: boolean) => changed.filter((ch) => e.allowed[ch] === allowed).map((ch) => CONTACT_WORD[ch]).join(', ');
      const [stopped, resumed] = [words(false), words(true)];
      const parts = [stopped ? `no more contact by ${stopped}` : '', resumed ? `contact by ${resumed} allowed again` : ''].filter(Boolean);
      d.timeline('contact_preferences_changed', `${parts.join('; ')}${e.note ? `: ${e.note}` : ''}`, { changed: update });
      return d.result();
    }

    case 'close': {
      if (!(MANUAL_CLOSE_REASONS as readonly string[]).includes(e.reason)) {
        throw new ValidationError(`a case closes as ${e.reason.replace(/_/g, ' ')} by itself when paid; close it by hand as one of: ${MANUAL_CLOSE_REASONS.join(', ')}`, [
          { field: 'reason', message: `must be one of ${MANUAL_CLOSE_REASONS.join(', ')}` },
        ]);
      }
      d.close(e.reason, e.note ?? `closed by hand: ${e.reason.replace(/_/g, ' ')}`);
      return d.result();
    }
  }
}

function sameInstalments(a: readonly { dueDate: string; amountMinor: number }[], b: readonly { dueDate: string; amountMinor: number }[]): boolean {
  return a.length === b.length && a.every((x, i) => x.dueDate === b[i]!.dueDate && x.amountMinor === b[i]!.amountMinor);
}

function endBreathingSpace(d: Draft, why: string): TransitionResult {
  d.stopCurrent(why);
  d.applyCharges();
  d.toOutreach(why);
  return d.result();
}

/** Which of email / phone / address enrichment found that the case does not have yet. */
export function newContactFields(c: Pick<Case, 'debtor'>, contacts: ContactData): ('email' | 'phone' | 'address')[] {
  const out: ('email' | 'phone' | 'address')[] = [];
  // The same rules as matching (normalise.ts): a number written nationally or an email in other
  // capitals is what the case has, not news that would start a retry on the same contact.
  const country = c.debtor.country ?? c.debtor.address?.country;
  const email = normaliseEmail(contacts.email);
  if (email && email !== normaliseEmail(c.debtor.email)) out.push('email');
  const phone = normalisePhone(contacts.phone, country);
  if (phone && phone !== normalisePhone(c.debtor.phone, country)) out.push('phone');
  const a = contacts.address;
  if (a && (a.line1?.trim() || a.postcode?.trim())) {
    const key = (x?: Address) => [normaliseName(x?.line1), normaliseName(x?.line2), normalisePostcode(x?.postcode), normaliseName(x?.city), normaliseName(x?.country)].join('|');
    if (key(a) !== key(c.debtor.address)) out.push('address');
  }
  return out;
}
