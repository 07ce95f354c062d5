import { describe, expect, it } from 'vitest';
import { resolveEffectiveSettings } from '../../shared/domain/effective-settings';
import { applyCharges, applyPayment, balanceAsOf, openLedger, suspendInterest } from '../../shared/domain/ledger';
import { newPlan } from '../../shared/domain/payment-plan';
import { DAY_MS, resumeSchedule } from '../../shared/domain/schedule';
import {
  ALLOWED_PHASES,
  transition,
  tryTransition,
  type CaseAction,
  type CaseEvent,
  type CaseEventType,
  type TransitionContext,
  type TransitionResult,
} from '../../shared/domain/transition';
import { dueAttempts } from '../../shared/domain/enrichment-schedule';
import { ConflictError, ValidationError } from '../../shared/errors';
import { PHASES, type Case, type Phase } from '../../shared/schemas/case';
import { clientInputSchema } from '../../shared/schemas/client';

const NOW = '2026-03-01T10:00:00.000Z';
const CHARGED_ON = '2026-02-01';

const clientInput = {
  companyInfo: { name: 'Acme' },
  settings: {
    workflow: { breathingSpace: { enabled: true, days: 14 } },
    debtorCommunication: { emailOnClosePaidInFull: true, emailOnCloseSettlement: false },
  },
  finances: { currency: 'EUR', costs: [{ name: 'fee', kind: 'fixed', amountMinor: 2_500 }], interest: { annualRatePercent: 8 } },
  workflows: { mainOutreach: [{ type: 'email', afterDays: 0, template: 'first' }, { type: 'sms', afterDays: 5, template: 'second' }] },
};

function contextFor(overrides: Record<string, unknown> = {}, now = NOW): TransitionContext {
  const client = clientInputSchema.parse({ ...clientInput, ...overrides });
  return { now, client, settings: resolveEffectiveSettings(client) };
}
const ctx = contextFor();

const finances = ctx.client.finances;
const chargedLedger = () => applyCharges(openLedger(100_000, 'EUR'), finances, CHARGED_ON, `${CHARGED_ON}T00:00:00.000Z`);

function baseCase(): Case {
  return {
    caseId: 'case1',
    clientId: 'client1',
    debtorId: 'debtor1',
    debtor: { type: 'person', name: 'Dana Debtor', email: 'dana@example.com', address: { line1: '1 High St', postcode: 'AB1 2CD', city: 'Town', country: 'GB' } },
    invoices: [{ invoiceNumber: 'INV-1', dueDate: '2026-01-01', amountMinor: 100_000, currency: 'EUR' }],
    ledger: openLedger(100_000, 'EUR'),
    phase: 'breathing_space',
    progress: {},
    contactAllowed: {},
    version: 1,
    createdAt: '2026-01-20T00:00:00.000Z',
    updatedAt: '2026-01-20T00:00:00.000Z',
  };
}

const run = (kind: NonNullable<Case['workflow']>['kind'], seq: number, startedAt: string) => ({ kind, seq, startedAt, executionName: `case1-${kind}-${seq}` });

/** One case per phase, each as the system would have left it. */
const fixtures: Record<Phase, () => Case> = {
  breathing_space: () => ({
    ...baseCase(),
    breathingSpaceDays: 14,
    workflow: run('breathingSpace', 1, '2026-02-20T10:00:00.000Z'),
    workflowSeq: 1,
    progress: { breathingSpace: { startedAt: '2026-02-20T10:00:00.000Z', nextNode: 0, shiftMs: 0 } },
  }),
  outreach: () => ({
    ...baseCase(),
    phase: 'outreach',
    ledger: chargedLedger(),
    workflow: run('mainOutreach', 2, '2026-02-01T00:00:00.000Z'),
    workflowSeq: 2,
    progress: { mainOutreach: { startedAt: '2026-02-01T00:00:00.000Z', nextNode: 1, shiftMs: 0 } },
  }),
  payment_plan: () => ({
    ...baseCase(),
    phase: 'payment_plan',
    ledger: suspendInterest(chargedLedger(), '2026-02-15'),
    paymentPlan: newPlan(
      [
        { dueDate: '2026-02-25', amountMinor: 50_000 },
        { dueDate: '2026-03-25', amountMinor: 52_807 },
      ],
      '2026-02-15T00:00:00.000Z',
    ),
    workflow: run('paymentPlan', 3, '2026-02-15T00:00:00.000Z'),
    workflowSeq: 3,
    progress: { mainOutreach: { startedAt: '2026-02-01T00:00:00.000Z', nextNode: 1, shiftMs: 0, pausedAt: '2026-02-15T00:00:00.000Z' } },
  }),
  on_hold: () => ({
    ...baseCase(),
    phase: 'on_hold',
    ledger: chargedLedger(),
    hold: { reason: 'dispute', since: '2026-02-20T00:00:00.000Z', fromPhase: 'outreach' },
    workflow: run('onHold', 3, '2026-02-20T00:00:00.000Z'),
    workflowSeq: 3,
    progress: {
      mainOutreach: { startedAt: '2026-02-01T00:00:00.000Z', nextNode: 1, shiftMs: 0, pausedAt: '2026-02-20T00:00:00.000Z' },
      onHold: { startedAt: '2026-02-20T00:00:00.000Z', nextNode: 0, shiftMs: 0 },
    },
  }),
  retry: () => ({
    ...baseCase(),
    phase: 'retry',
    ledger: chargedLedger(),
    workflow: run('retry', 3, '2026-02-25T00:00:00.000Z'),
    workflowSeq: 3,
    progress: {
      mainOutreach: { startedAt: '2026-02-01T00:00:00.000Z', nextNode: 2, shiftMs: 0, pausedAt: '2026-02-25T00:00:00.000Z' },
      retry: { startedAt: '2026-02-25T00:00:00.000Z', nextNode: 0, shiftMs: 0 },
    },
  }),
  closed: () => ({ ...baseCase(), phase: 'closed', closedReason: 'withdrawn', closedAt: '2026-02-10T00:00:00.000Z', ledger: chargedLedger(), workflowSeq: 2 }),
};

/** The outstanding a plan must cover for a case (charges apply first when a plan ends breathing space). */
function planFor(c: Case) {
  const ledger = applyCharges(c.ledger, finances, NOW, NOW);
  const total = balanceAsOf(ledger, NOW).outstandingMinor;
  return [
    { dueDate: '2026-04-01', amountMinor: Math.floor(total / 2) },
    { dueDate: '2026-05-01', amountMinor: total - Math.floor(total / 2) },
  ];
}

/** One representative event of each type, fitted to the case (workflow events come from its current run). */
function eventFor(type: CaseEventType, c: Case): CaseEvent {
  const kind = c.workflow?.kind ?? 'mainOutreach';
  const exec = c.workflow?.executionName;
  switch (type) {
    case 'opened':
      return { type };
    case 'breathing_space_ended':
      return { type };
    case 'workflow_finished':
      return { type, kind, executionName: exec };
    case 'workflow_continued':
      return { type, kind, executionName: exec, nextIndex: 1 };
    case 'step_done':
      return { type, kind, executionName: exec, index: 0 };
    case 'plan_agreed':
      return { type, installments: planFor(c) };
    case 'installment_due_checked':
      return { type, index: 0, executionName: exec };
    case 'plan_broken':
      return { type };
    case 'plan_completed':
      return { type };
    case 'hold':
      return { type, reason: 'dispute', note: 'debtor disputes the invoice' };
    case 'release':
      return { type };
    case 'payment':
      return { type, amountMinor: 1_000, receivedAt: '2026-03-01T09:00:00.000Z', method: 'bank transfer' };
    case 'settle':
      return { type, amountMinor: 50_000 };
    case 'enriched':
      return { type, contacts: { email: 'dana.new@example.com' }, source: 'skip-trace' };
    case 'close':
      return { type, reason: 'withdrawn' };
    case 'contact_preferences':
      return { type, allowed: { sms: false }, note: 'replied STOP' };
  }
}

function sig(a: CaseAction): string {
  switch (a.type) {
    case 'timeline':
      return `t:${a.entry.type}`;
    case 'stop_execution':
      return `stop:${a.executionName}`;
    case 'start_workflow':
      return `start:${a.executionName}${a.resumed ? '(resumed)' : ''}`;
    case 'send_closure_email':
      return `closure:${a.template}`;
    case 'send_plan_message':
      return `plan:${a.event}`;
  }
}

type Expected = 'refused' | { phase: Phase; actions: string[] };
const R = 'refused' as const;
const EVENT_TYPES = Object.keys(ALLOWED_PHASES) as CaseEventType[];

/** EVERY phase x event: refused, or the phase after and the actions in order. */
const TABLE: Record<Phase, Record<CaseEventType, Expected>> = {
  breathing_space: {
    opened: R,
    breathing_space_ended: { phase: 'outreach', actions: ['stop:case1-breathingSpace-1', 't:charges_applied', 't:phase_changed', 'start:case1-mainOutreach-2'] },
    workflow_finished: { phase: 'outreach', actions: ['t:charges_applied', 't:phase_changed', 'start:case1-mainOutreach-2'] },
    workflow_continued: { phase: 'breathing_space', actions: ['start:case1-breathingSpace-2(resumed)', 't:workflow_continued'] },
    step_done: { phase: 'breathing_space', actions: [] },
    plan_agreed: { phase: 'payment_plan', actions: ['t:charges_applied', 'stop:case1-breathingSpace-1', 't:plan_agreed', 't:phase_changed', 'start:case1-paymentPlan-2'] },
    installment_due_checked: R,
    plan_broken: R,
    plan_completed: R,
    hold: { phase: 'on_hold', actions: ['stop:case1-breathingSpace-1', 't:hold_started', 't:phase_changed', 'start:case1-onHold-2'] },
    release: R,
    payment: { phase: 'breathing_space', actions: ['t:payment_received'] },
    settle: { phase: 'breathing_space', actions: ['t:settlement_agreed'] },
    enriched: { phase: 'breathing_space', actions: ['t:contacts_enriched'] },
    close: { phase: 'closed', actions: ['stop:case1-breathingSpace-1', 't:phase_changed', 't:case_closed'] },
    contact_preferences: { phase: 'breathing_space', actions: ['t:contact_preferences_changed'] },
  },
  outreach: {
    opened: R,
    breathing_space_ended: R,
    workflow_finished: { phase: 'outreach', actions: ['t:workflow_finished'] },
    workflow_continued: { phase: 'outreach', actions: ['start:case1-mainOutreach-3(resumed)', 't:workflow_continued'] },
    step_done: { phase: 'outreach', actions: [] },
    plan_agreed: { phase: 'payment_plan', actions: ['stop:case1-mainOutreach-2', 't:plan_agreed', 't:phase_changed', 'start:case1-paymentPlan-3'] },
    installment_due_checked: R,
    plan_broken: R,
    plan_completed: R,
    hold: { phase: 'on_hold', actions: ['stop:case1-mainOutreach-2', 't:hold_started', 't:phase_changed', 'start:case1-onHold-3'] },
    release: R,
    payment: { phase: 'outreach', actions: ['t:payment_received'] },
    settle: { phase: 'outreach', actions: ['t:settlement_agreed'] },
    enriched: { phase: 'retry', actions: ['t:contacts_enriched', 'stop:case1-mainOutreach-2', 't:phase_changed', 'start:case1-retry-3'] },
    close: { phase: 'closed', actions: ['stop:case1-mainOutreach-2', 't:phase_changed', 't:case_closed'] },
    contact_preferences: { phase: 'outreach', actions: ['t:contact_preferences_changed'] },
  },
  payment_plan: {
    opened: R,
    breathing_space_ended: R,
    workflow_finished: { phase: 'payment_plan', actions: ['t:workflow_finished'] },
    workflow_continued: { phase: 'payment_plan', actions: ['start:case1-paymentPlan-4(resumed)', 't:workflow_continued'] },
    step_done: { phase: 'payment_plan', actions: [] },
    plan_agreed: { phase: 'payment_plan', actions: ['stop:case1-paymentPlan-3', 't:plan_agreed', 'start:case1-paymentPlan-4'] },
    installment_due_checked: { phase: 'payment_plan', actions: ['t:plan_installment_checked', 'plan:late'] },
    plan_broken: { phase: 'outreach', actions: ['t:plan_broken', 'stop:case1-paymentPlan-3', 't:phase_changed', 'start:case1-mainOutreach-4(resumed)'] },
    plan_completed: R, // not every instalment is paid
    hold: { phase: 'on_hold', actions: ['stop:case1-paymentPlan-3', 't:hold_started', 't:phase_changed', 'start:case1-onHold-4'] },
    release: R,
    payment: { phase: 'payment_plan', actions: ['t:payment_received'] },
    settle: { phase: 'payment_plan', actions: ['t:settlement_agreed'] },
    enriched: { phase: 'payment_plan', actions: ['t:contacts_enriched'] },
    close: { phase: 'closed', actions: ['stop:case1-paymentPlan-3', 't:phase_changed', 't:case_closed'] },
    contact_preferences: { phase: 'payment_plan', actions: ['t:contact_preferences_changed'] },
  },
  on_hold: {
    opened: R,
    breathing_space_ended: R,
    workflow_finished: { phase: 'on_hold', actions: ['t:workflow_finished'] },
    workflow_continued: { phase: 'on_hold', actions: ['start:case1-onHold-4(resumed)', 't:workflow_continued'] },
    step_done: { phase: 'on_hold', actions: [] },
    plan_agreed: R,
    installment_due_checked: R,
    plan_broken: R,
    plan_completed: R,
    hold: R,
    release: { phase: 'outreach', actions: ['stop:case1-onHold-3', 't:hold_released', 't:phase_changed', 'start:case1-mainOutreach-4(resumed)'] },
    payment: { phase: 'on_hold', actions: ['t:payment_received'] },
    settle: { phase: 'on_hold', actions: ['t:settlement_agreed'] },
    enriched: { phase: 'on_hold', actions: ['t:contacts_enriched'] },
    close: { phase: 'closed', actions: ['stop:case1-onHold-3', 't:phase_changed', 't:case_closed'] },
    contact_preferences: { phase: 'on_hold', actions: ['t:contact_preferences_changed'] },
  },
  retry: {
    opened: R,
    breathing_space_ended: R,
    workflow_finished: { phase: 'outreach', actions: ['t:workflow_finished', 't:phase_changed', 'start:case1-mainOutreach-4(resumed)'] },
    workflow_continued: { phase: 'retry', actions: ['start:case1-retry-4(resumed)', 't:workflow_continued'] },
    step_done: { phase: 'retry', actions: [] },
    plan_agreed: { phase: 'payment_plan', actions: ['stop:case1-retry-3', 't:plan_agreed', 't:phase_changed', 'start:case1-paymentPlan-4'] },
    installment_due_checked: R,
    plan_broken: R,
    plan_completed: R,
    hold: { phase: 'on_hold', actions: ['stop:case1-retry-3', 't:hold_started', 't:phase_changed', 'start:case1-onHold-4'] },
    release: R,
    payment: { phase: 'retry', actions: ['t:payment_received'] },
    settle: { phase: 'retry', actions: ['t:settlement_agreed'] },
    enriched: { phase: 'retry', actions: ['t:contacts_enriched', 'stop:case1-retry-3', 'start:case1-retry-4'] },
    close: { phase: 'closed', actions: ['stop:case1-retry-3', 't:phase_changed', 't:case_closed'] },
    contact_preferences: { phase: 'retry', actions: ['t:contact_preferences_changed'] },
  },
  closed: Object.fromEntries(EVENT_TYPES.map((t) => [t, R])) as Record<CaseEventType, Expected>,
};

const ok = (r: ReturnType<typeof tryTransition>): TransitionResult => {
  if (!r.ok) throw new Error(`refused: ${r.message}`);
  return r;
};

describe('transition: every phase x event', () => {
  it('covers every phase and every event type', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...PHASES].sort());
    for (const p of PHASES) expect(Object.keys(TABLE[p]).sort()).toEqual([...EVENT_TYPES].sort());
  });

  for (const phase of PHASES) {
    for (const type of EVENT_TYPES) {
      const expected = TABLE[phase][type];
      it(`${phase} x ${type}: ${expected === R ? 'refused (409)' : `-> ${expected.phase}`}`, () => {
        const c = fixtures[phase]();
        const frozen = structuredClone(c);
        const event = eventFor(type, c);
        const r = tryTransition(c, event, ctx);
        expect(c).toEqual(frozen); // the input is never changed
        if (expected === R) {
          expect(r).toMatchObject({ ok: false, code: 'phase_conflict' });
          expect(() => transition(c, event, ctx)).toThrow(ConflictError);
          return;
        }
        const result = ok(r);
        expect(result.case.phase).toBe(expected.phase);
        expect(result.actions.map(sig)).toEqual(expected.actions);
        // Whatever runs now is the run the last start action named.
        const starts = result.actions.filter((a) => a.type === 'start_workflow');
        if (starts.length) expect(result.case.workflow?.executionName).toBe(starts.at(-1)!.executionName);
        if (expected.phase === 'closed') expect(result.case.workflow).toBeUndefined();
      });
    }
  }

  it('refuses with a 409 phase_conflict that says where the event is allowed', () => {
    try {
      transition(fixtures.outreach(), { type: 'release' }, ctx);
      expect.fail('should refuse');
    } catch (e) {
      expect(e).toBeInstanceOf(ConflictError);
      expect((e as ConflictError).status).toBe(409);
      expect((e as ConflictError).code).toBe('phase_conflict');
      expect((e as ConflictError).message).toBe('release is not allowed while the case is outreach; it is allowed in: on_hold (the case is not on hold)');
    }
    expect(() => transition(fixtures.on_hold(), { type: 'hold', reason: 'investigation' }, ctx)).toThrow(/allowed in: breathing_space, outreach, payment_plan, retry \(release the hold first\)/);
    expect(() => transition(fixtures.closed(), { type: 'payment', amountMinor: 100, receivedAt: NOW }, ctx)).toThrow(/closed \(withdrawn\); it accepts no payment or any other change, only reading/);
  });
});

describe('opening a case', () => {
  it('starts the breathing space without charges', () => {
    const r = transition(baseCase(), { type: 'opened' }, ctx);
    expect(r.case).toMatchObject({ phase: 'breathing_space', breathingSpaceDays: 14, workflowSeq: 1 });
    expect(r.case.ledger.chargesAppliedAt).toBeUndefined();
    expect(r.case.progress.breathingSpace).toEqual({ startedAt: NOW, nextNode: 0, shiftMs: 0 });
    expect(r.actions.map(sig)).toEqual(['t:case_opened', 'start:case1-breathingSpace-1']);
  });

  it('applies charges at once and starts outreach when breathing space is off', () => {
    const off = contextFor({ settings: { ...clientInput.settings, workflow: { breathingSpace: { enabled: false } } } });
    const r = transition(baseCase(), { type: 'opened' }, off);
    expect(r.case.phase).toBe('outreach');
    expect(r.case.ledger).toMatchObject({ costsMinor: 2_500, interestFrom: '2026-03-01', chargesAppliedAt: NOW });
    expect(r.actions.map(sig)).toEqual(['t:case_opened', 't:charges_applied', 't:phase_changed', 'start:case1-mainOutreach-1']);
  });

  it('refuses to open a case twice', () => {
    const once = transition(baseCase(), { type: 'opened' }, ctx).case;
    expect(tryTransition(once, { type: 'opened' }, ctx)).toMatchObject({ ok: false, code: 'phase_conflict' });
  });
});

describe('breathing space and charges', () => {
  it('applies charges exactly once, however the breathing space ends', () => {
    const bs = fixtures.breathing_space();
    const ended = transition(bs, { type: 'breathing_space_ended' }, ctx).case;
    expect(ended.ledger.costsMinor).toBe(2_500);
    // A replayed end is refused; a plan agreed later does not charge again.
    expect(tryTransition(ended, { type: 'breathing_space_ended' }, ctx)).toMatchObject({ ok: false });
    const plan = transition(ended, { type: 'plan_agreed', installments: planFor(ended) }, ctx).case;
    expect(plan.ledger.costsMinor).toBe(2_500);
  });

  it('a held breathing space resumes where it stopped, its end pushed out by the hold', () => {
    const held = transition(fixtures.breathing_space(), { type: 'hold', reason: 'investigation' }, ctx).case;
    expect(held.hold).toEqual({ reason: 'investigation', since: NOW, fromPhase: 'breathing_space' });
    expect(held.progress.breathingSpace?.pausedAt).toBe(NOW);
    const later = '2026-03-04T10:00:00.000Z';
    const released = transition(held, { type: 'release' }, { ...ctx, now: later });
    expect(released.case.phase).toBe('breathing_space');
    expect(released.case.progress.breathingSpace).toEqual({ startedAt: '2026-02-20T10:00:00.000Z', nextNode: 0, shiftMs: 3 * DAY_MS });
    expect(released.case.ledger.chargesAppliedAt).toBeUndefined();
    expect(released.actions.map(sig)).toEqual(['stop:case1-onHold-2', 't:hold_released', 't:phase_changed', 'start:case1-breathingSpace-3(resumed)']);
  });

  it('a run created without progress (by the importer) still resumes from its own start', () => {
    const imported: Case = { ...fixtures.breathing_space(), progress: {} };
    const held = transition(imported, { type: 'hold', reason: 'dispute' }, ctx).case;
    expect(held.progress.breathingSpace).toEqual({ startedAt: '2026-02-20T10:00:00.000Z', nextNode: 0, shiftMs: 0, pausedAt: NOW });
    const released = transition(held, { type: 'release' }, { ...ctx, now: '2026-03-02T10:00:00.000Z' }).case;
    expect(released.progress.breathingSpace).toEqual({ startedAt: '2026-02-20T10:00:00.000Z', nextNode: 0, shiftMs: DAY_MS });
    const stepped = transition({ ...fixtures.outreach(), progress: {} }, { type: 'step_done', kind: 'mainOutreach', index: 0 }, ctx).case;
    expect(stepped.progress.mainOutreach).toEqual({ startedAt: '2026-02-01T00:00:00.000Z', nextNode: 1, shiftMs: 0 });
  });

  it('released straight to outreach, a held breathing space ends and charges apply', () => {
    const held = transition(fixtures.breathing_space(), { type: 'hold', reason: 'dispute' }, ctx).case;
    const r = transition(held, { type: 'release', resumeTo: 'outreach' }, ctx);
    expect(r.case.phase).toBe('outreach');
    expect(r.case.ledger.costsMinor).toBe(2_500);
    expect(r.actions.map(sig)).toContain('start:case1-mainOutreach-3');
  });
});

describe('hold and release', () => {
  it('continues outreach from the node where it stopped, shifted by the hold', () => {
    const c = fixtures.outreach();
    const held = transition(c, { type: 'hold', reason: 'dispute' }, ctx).case;
    const released = transition(held, { type: 'release' }, { ...ctx, now: '2026-03-11T10:00:00.000Z' }).case;
    const p = released.progress.mainOutreach!;
    expect(p).toEqual({ startedAt: '2026-02-01T00:00:00.000Z', nextNode: 1, shiftMs: 10 * DAY_MS });
    // The remaining node (day 5) fires 10 days later than planned.
    expect(resumeSchedule(p, ctx.settings.workflows.mainOutreach).map((s) => [s.index, s.at])).toEqual([[1, '2026-02-16T00:00:00.000Z']]);
  });

  it('accumulates the shift over several holds', () => {
    let c = fixtures.outreach();
    c = transition(c, { type: 'hold', reason: 'dispute' }, ctx).case;
    c = transition(c, { type: 'release' }, { ...ctx, now: '2026-03-02T10:00:00.000Z' }).case;
    c = transition(c, { type: 'hold', reason: 'dispute' }, { ...ctx, now: '2026-03-03T10:00:00.000Z' }).case;
    c = transition(c, { type: 'release' }, { ...ctx, now: '2026-03-05T10:00:00.000Z' }).case;
    expect(c.progress.mainOutreach?.shiftMs).toBe(3 * DAY_MS);
    expect(c.workflowSeq).toBe(6);
  });

  it('returns to the payment plan and gives the debtor the held days back', () => {
    const c = fixtures.payment_plan();
    const held = transition(c, { type: 'hold', reason: 'dispute' }, ctx).case;
    expect(held.hold?.fromPhase).toBe('payment_plan');
    expect(held.ledger.interestSuspendedFrom).toBe('2026-02-15'); // plan interest freeze kept
    const r = transition(held, { type: 'release' }, { ...ctx, now: '2026-03-08T09:00:00.000Z' });
    expect(r.case.phase).toBe('payment_plan');
    // 2026-02-25 was due before the hold: stays; 2026-03-25 moves by 7 days (rounded up).
    expect(r.case.paymentPlan?.installments.map((i) => i.dueDate)).toEqual(['2026-02-25', '2026-04-01']);
    expect(r.case.workflow).toMatchObject({ kind: 'paymentPlan', resumed: true });
    expect(r.actions.map(sig)).toEqual(['stop:case1-onHold-4', 't:hold_released', 't:phase_changed', 'start:case1-paymentPlan-5(resumed)']);
  });

  it('released to outreach, a held plan is cancelled and interest runs again', () => {
    const held = transition(fixtures.payment_plan(), { type: 'hold', reason: 'dispute' }, ctx).case;
    const r = transition(held, { type: 'release', resumeTo: 'outreach' }, ctx);
    expect(r.case.phase).toBe('outreach');
    expect(r.case.paymentPlan?.status).toBe('broken');
    expect(r.case.ledger.interestSuspendedFrom).toBeUndefined();
    expect(r.actions.map(sig)).toContain('t:plan_cancelled');
  });

  it('refuses to resume a payment plan that does not exist', () => {
    const r = tryTransition(fixtures.on_hold(), { type: 'release', resumeTo: 'payment_plan' }, ctx);
    expect(r).toMatchObject({ ok: false, code: 'phase_conflict' });
    expect((r as { message: string }).message).toMatch(/no active payment plan; release to outreach or agree a new plan/);
  });

  it('a retry on hold resumes the retry', () => {
    const held = transition(fixtures.retry(), { type: 'hold', reason: 'dispute' }, ctx).case;
    const r = transition(held, { type: 'release' }, ctx);
    expect(r.case.phase).toBe('retry');
    expect(r.actions.map(sig)).toContain('start:case1-retry-5(resumed)');
  });
});

describe('payments and closure', () => {
  it('records a payment with a reference once: the same payment again changes nothing, even after it closed the case', () => {
    const c = fixtures.outreach();
    const owed = balanceAsOf(c.ledger, NOW).outstandingMinor;
    const part = transition(c, { type: 'payment', amountMinor: 1_000, receivedAt: NOW, reference: 'BANK-1' }, ctx);
    const again = transition(part.case, { type: 'payment', amountMinor: 1_000, receivedAt: NOW, reference: 'BANK-1' }, ctx);
    expect(again.duplicateOf).toMatchObject({ reference: 'BANK-1', amountMinor: 1_000, recordedAt: NOW });
    expect(again.case).toEqual(part.case);
    expect(again.actions).toEqual([]);
    const rest = transition(part.case, { type: 'payment', amountMinor: owed - 1_000, receivedAt: NOW, reference: 'BANK-2' }, ctx);
    expect(rest.case.phase).toBe('closed');
    expect(transition(rest.case, { type: 'payment', amountMinor: owed - 1_000, receivedAt: NOW, reference: 'BANK-2' }, ctx).duplicateOf?.reference).toBe('BANK-2');
    // A reference reused for another amount is another payment under a taken name: refused.
    expect(() => transition(part.case, { type: 'payment', amountMinor: 999, receivedAt: NOW, reference: 'BANK-1' }, ctx)).toThrow(/BANK-1 was recorded on .* for €10.00/);
    // Without a reference, nothing tells two payments apart: both are recorded.
    const plain = transition(part.case, { type: 'payment', amountMinor: 1_000, receivedAt: NOW }, ctx);
    expect(plain.case.ledger.paidMinor).toBe(2_000);
  });

  it('closes paid in full when a payment clears the balance, with the built-in closure email', () => {
    const c = fixtures.outreach();
    const owed = balanceAsOf(c.ledger, NOW).outstandingMinor;
    const r = transition(c, { type: 'payment', amountMinor: owed, receivedAt: NOW }, ctx);
    expect(r.case).toMatchObject({ phase: 'closed', closedReason: 'paid_in_full', closedAt: NOW });
    expect(r.case.workflow).toBeUndefined();
    expect(r.allocation).toMatchObject({ costsMinor: 2_500, principalMinor: 100_000, creditMinor: 0 });
    expect(r.actions.map(sig)).toEqual(['t:payment_received', 'stop:case1-mainOutreach-2', 't:phase_changed', 't:case_closed', 'closure:closure-paid-in-full']);
    expect(r.actions.at(-1)).toMatchObject({ builtin: true, reason: 'paid_in_full', key: 'case1:closure' });
  });

  it('uses the client’s closure template, and sends none when switched off', () => {
    const own = contextFor({ settings: { ...clientInput.settings, debtorCommunication: { emailOnClosePaidInFull: true, paidInFullTemplate: 'thanks' } } });
    const c = fixtures.outreach();
    const pay: CaseEvent = { type: 'payment', amountMinor: balanceAsOf(c.ledger, NOW).outstandingMinor, receivedAt: NOW };
    expect(transition(c, pay, own).actions.at(-1)).toMatchObject({ type: 'send_closure_email', template: 'thanks', builtin: false });
    const off = contextFor({ settings: { ...clientInput.settings, debtorCommunication: { emailOnClosePaidInFull: false } } });
    expect(transition(c, pay, off).actions.some((a) => a.type === 'send_closure_email')).toBe(false);
  });

  it('records an overpayment as credit in the timeline', () => {
    const c = fixtures.outreach();
    const owed = balanceAsOf(c.ledger, NOW).outstandingMinor;
    const r = transition(c, { type: 'payment', amountMinor: owed + 500, receivedAt: NOW }, ctx);
    expect(r.allocation?.creditMinor).toBe(500);
    const entry = r.actions.find((a) => a.type === 'timeline' && a.entry.type === 'payment_received');
    expect(entry && entry.type === 'timeline' && entry.entry.message).toMatch(/overpaid €5.00: refund or keep as credit/);
  });

  it('closes a case on hold that is paid, clearing the hold', () => {
    const c = fixtures.on_hold();
    const r = transition(c, { type: 'payment', amountMinor: balanceAsOf(c.ledger, NOW).outstandingMinor, receivedAt: NOW }, ctx);
    expect(r.case).toMatchObject({ phase: 'closed', closedReason: 'paid_in_full' });
    expect(r.case.hold).toBeUndefined();
    expect(r.actions.map(sig)).toContain('stop:case1-onHold-3');
  });

  it('closes a breathing-space case paid before any charge', () => {
    const r = transition(fixtures.breathing_space(), { type: 'payment', amountMinor: 100_000, receivedAt: NOW }, ctx);
    expect(r.case).toMatchObject({ phase: 'closed', closedReason: 'paid_in_full' });
    expect(r.case.ledger.costsMinor).toBe(0);
  });

  it('closes settled once payments reach an agreed settlement', () => {
    const settleCtx = contextFor({ settings: { ...clientInput.settings, debtorCommunication: { emailOnClosePaidInFull: true, emailOnCloseSettlement: true } } });
    let c = transition(fixtures.outreach(), { type: 'settle', amountMinor: 60_000 }, settleCtx).case;
    expect(c.phase).toBe('outreach');
    c = transition(c, { type: 'payment', amountMinor: 59_999, receivedAt: NOW }, settleCtx).case;
    expect(c.phase).toBe('outreach');
    const r = transition(c, { type: 'payment', amountMinor: 1, receivedAt: NOW }, settleCtx);
    expect(r.case).toMatchObject({ phase: 'closed', closedReason: 'settled' });
    expect(r.actions.at(-1)).toMatchObject({ type: 'send_closure_email', reason: 'settled', template: 'closure-settled', builtin: true });
  });

  it('settles at once when the payments already reach the settlement', () => {
    const paid = { ...fixtures.outreach() };
    paid.ledger = applyPayment(paid.ledger, 40_000, '2026-02-20').ledger;
    const r = transition(paid, { type: 'settle', amountMinor: 40_000 }, ctx);
    expect(r.case).toMatchObject({ phase: 'closed', closedReason: 'settled' });
    expect(r.actions.some((a) => a.type === 'send_closure_email')).toBe(false); // emailOnCloseSettlement is off
  });

  it('refuses bad payments and manual closure as paid', () => {
    const c = fixtures.outreach();
    expect(() => transition(c, { type: 'payment', amountMinor: 0, receivedAt: NOW }, ctx)).toThrow(ValidationError);
    expect(() => transition(c, { type: 'payment', amountMinor: 100, receivedAt: '2026-03-02T00:00:00.000Z' }, ctx)).toThrow(/in the future/);
    expect(() => transition(c, { type: 'payment', amountMinor: 100, receivedAt: 'yesterday' }, ctx)).toThrow(/receivedAt must be an ISO 8601 instant/);
    expect(() => transition(c, { type: 'close', reason: 'paid_in_full' }, ctx)).toThrow(/by itself when paid; close it by hand as one of: withdrawn, written_off/);
    expect(() => transition(c, { type: 'settle', amountMinor: 10_000_000 }, ctx)).toThrow(/less than the total owed/);
  });
});

describe('contact preferences', () => {
  it('records an opt-out and an opt-in again, and nothing when they are as they were', () => {
    const c = fixtures.outreach();
    const out = transition(c, { type: 'contact_preferences', allowed: { sms: false, phone: false }, note: 'replied STOP' }, ctx);
    expect(out.case.contactAllowed).toEqual({ sms: false, phone: false });
    expect(out.actions.map(sig)).toEqual(['t:contact_preferences_changed']);
    expect(out.actions[0]).toMatchObject({ entry: { message: 'no more contact by SMS, phone: replied STOP' } });
    const again = transition(out.case, { type: 'contact_preferences', allowed: { sms: true, email: true } }, ctx);
    expect(again.case.contactAllowed).toEqual({ sms: true, phone: false });
    expect(again.actions[0]).toMatchObject({ entry: { message: 'contact by SMS allowed again' } });
    const same = transition(again.case, { type: 'contact_preferences', allowed: { phone: false } }, ctx);
    expect(same.actions).toEqual([]);
    expect(same.case).toEqual(again.case);
  });
});

describe('payment plans', () => {
  it('agreeing freezes interest, pauses outreach and starts the plan', () => {
    const c = fixtures.outreach();
    const r = transition(c, { type: 'plan_agreed', installments: planFor(c) }, ctx);
    expect(r.case.ledger.interestSuspendedFrom).toBe('2026-03-01');
    expect(r.case.progress.mainOutreach?.pausedAt).toBe(NOW);
    expect(r.case.paymentPlan).toMatchObject({ agreedAt: NOW, status: 'active' });
    expect(r.case.workflow).toMatchObject({ kind: 'paymentPlan', seq: 3 });
    expect(r.case.workflow?.resumed).toBeUndefined();
  });

  it('agreeing the plan in force again, or the same settlement again, changes nothing (a retried request)', () => {
    const c = fixtures.outreach();
    const plan = transition(c, { type: 'plan_agreed', installments: planFor(c) }, ctx).case;
    const again = transition(plan, { type: 'plan_agreed', installments: planFor(c) }, ctx);
    expect(again.case).toEqual(plan);
    expect(again.actions).toEqual([]);
    const other = planFor(c).map((i, k) => (k === 0 ? { ...i, dueDate: '2026-04-02' } : i));
    expect(transition(plan, { type: 'plan_agreed', installments: other }, ctx).actions.map(sig)).toContain('t:plan_agreed');
    const settled = transition(c, { type: 'settle', amountMinor: 50_000 }, ctx).case;
    expect(transition(settled, { type: 'settle', amountMinor: 50_000 }, ctx).actions).toEqual([]);
    expect(transition(settled, { type: 'settle', amountMinor: 40_000 }, ctx).case.ledger.settlementAmountMinor).toBe(40_000);
  });

  it('refuses a plan that does not cover the outstanding, naming the fields', () => {
    const c = fixtures.outreach();
    const short = planFor(c).map((i) => ({ ...i, amountMinor: i.amountMinor - 1 }));
    expect(() => transition(c, { type: 'plan_agreed', installments: short }, ctx)).toThrow(/add €0.02/);
    expect(() => transition(c, { type: 'plan_agreed', installments: [] }, ctx)).toThrow(ValidationError);
  });

  it('holds a plan agreed in breathing space to the balance with its costs, and says why', () => {
    const c = fixtures.breathing_space();
    const uncharged = balanceAsOf(c.ledger, NOW).outstandingMinor;
    const asShown = [{ dueDate: '2026-04-01', amountMinor: uncharged }];
    expect(() => transition(c, { type: 'plan_agreed', installments: asShown }, ctx)).toThrow(/is outstanding \(costs included: agreeing a plan ends the breathing space\)/);
    expect(transition(c, { type: 'plan_agreed', installments: planFor(c) }, ctx).case.phase).toBe('payment_plan');
  });

  it('a payment that pays the last instalment completes the plan and closes the case', () => {
    let c = transition(fixtures.outreach(), { type: 'plan_agreed', installments: planFor(fixtures.outreach()) }, ctx).case;
    const [a, b] = c.paymentPlan!.installments;
    c = transition(c, { type: 'payment', amountMinor: a!.amountMinor, receivedAt: NOW }, ctx).case;
    expect(c.phase).toBe('payment_plan');
    expect(c.paymentPlan?.installments[0]?.status).toBe('paid');
    const r = transition(c, { type: 'payment', amountMinor: b!.amountMinor, receivedAt: '2026-04-20T10:00:00.000Z' }, { ...ctx, now: '2026-04-20T10:00:00.000Z' });
    expect(r.case).toMatchObject({ phase: 'closed', closedReason: 'paid_in_full' });
    expect(r.case.paymentPlan?.status).toBe('completed');
    expect(r.actions.map(sig)).toEqual(['t:payment_received', 't:plan_completed', 'stop:case1-paymentPlan-3', 't:phase_changed', 't:case_closed', 'closure:closure-paid-in-full']);
  });

  it('a plan_completed event on a fully paid plan closes the case', () => {
    const c = fixtures.payment_plan();
    c.ledger = applyPayment(c.ledger, 102_807, '2026-02-28').ledger;
    c.paymentPlan = { ...c.paymentPlan!, installments: c.paymentPlan!.installments.map((i) => ({ ...i, paidMinor: i.amountMinor, status: 'paid' as const })) };
    const r = transition(c, { type: 'plan_completed' }, ctx);
    expect(r.case).toMatchObject({ phase: 'closed', closedReason: 'paid_in_full' });
  });

  it('breaks after the missed threshold, sends the broken nodes and resumes outreach where it stopped', () => {
    const plan = contextFor({ workflows: { ...clientInput.workflows, paymentPlan: [{ type: 'letter', on: 'broken', template: 'plan-broken' }] } });
    let c = fixtures.payment_plan();
    const first = transition(c, { type: 'installment_due_checked', index: 0, executionName: 'case1-paymentPlan-3' }, plan);
    expect(first.outcome).toBe('late');
    expect(first.actions.find((a) => a.type === 'send_plan_message')).toMatchObject({ event: 'late', installmentIndex: 0, nodes: [{ type: 'email', on: 'late', template: 'plan-late-notice' }] });
    c = first.case;

    // A replayed check changes nothing and sends nothing.
    const replay = transition(c, { type: 'installment_due_checked', index: 0, executionName: 'case1-paymentPlan-3' }, plan);
    expect(replay.actions).toEqual([]);
    expect(replay.outcome).toBe('late');

    const second = transition(c, { type: 'installment_due_checked', index: 1, executionName: 'case1-paymentPlan-3' }, { ...plan, now: '2026-03-26T00:00:00.000Z' });
    expect(second.outcome).toBe('broken');
    expect(second.case).toMatchObject({ phase: 'outreach' });
    expect(second.case.paymentPlan?.status).toBe('broken');
    expect(second.case.ledger.interestSuspendedFrom).toBeUndefined();
    expect(second.case.ledger.interestAccruedTo).toBe('2026-03-26');
    expect(second.actions.map(sig)).toEqual(['t:plan_installment_checked', 't:plan_broken', 'plan:broken', 't:phase_changed', 'start:case1-mainOutreach-4(resumed)']);
    expect(second.case.progress.mainOutreach).toMatchObject({ nextNode: 1, shiftMs: Date.parse('2026-03-26T00:00:00.000Z') - Date.parse('2026-02-15T00:00:00.000Z') });
  });

  it('refuses a due check before the due date has ended, and from a stale run', () => {
    const c = fixtures.payment_plan();
    expect(tryTransition(c, { type: 'installment_due_checked', index: 1 }, ctx)).toMatchObject({ ok: false, code: 'phase_conflict' });
    expect(tryTransition(c, { type: 'installment_due_checked', index: 0, executionName: 'case1-paymentPlan-2' }, ctx)).toMatchObject({ ok: false, code: 'stale_execution' });
  });
});

describe('workflow runs', () => {
  it('refuses reports from a stale run with stale_execution', () => {
    const c = fixtures.outreach();
    const r = tryTransition(c, { type: 'workflow_finished', kind: 'mainOutreach', executionName: 'case1-mainOutreach-1' }, ctx);
    expect(r).toMatchObject({ ok: false, code: 'stale_execution' });
    expect(() => transition(c, { type: 'workflow_finished', kind: 'retry' }, ctx)).toThrow(expect.objectContaining({ code: 'stale_execution', status: 409 }));
  });

  it('records progress past each step, never backwards', () => {
    const c = fixtures.outreach();
    const e = (index: number): CaseEvent => ({ type: 'step_done', kind: 'mainOutreach', index, executionName: 'case1-mainOutreach-2' });
    const after = transition(c, e(3), ctx).case;
    expect(after.progress.mainOutreach?.nextNode).toBe(4);
    expect(transition(after, e(1), ctx).case.progress.mainOutreach?.nextNode).toBe(4);
  });

  it('continue-as-new moves progress to the next index and names a new run', () => {
    const c = fixtures.outreach();
    const r = transition(c, { type: 'workflow_continued', kind: 'mainOutreach', executionName: 'case1-mainOutreach-2', nextIndex: 7 }, ctx);
    expect(r.case.progress.mainOutreach?.nextNode).toBe(7);
    expect(r.case.workflow).toMatchObject({ executionName: 'case1-mainOutreach-3', resumed: true });
  });

  it('gives every run of a case a new sequence number and a unique execution name', () => {
    let c = transition(baseCase(), { type: 'opened' }, ctx).case;
    const names = [c.workflow!.executionName];
    const steps: CaseEvent[] = [
      { type: 'breathing_space_ended' },
      { type: 'hold', reason: 'dispute' },
      { type: 'release' },
      { type: 'enriched', contacts: { phone: '+447700900123' } },
      { type: 'workflow_finished', kind: 'retry' },
    ];
    for (const e of steps) {
      c = transition(c, e, ctx).case;
      names.push(c.workflow!.executionName);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(c.workflowSeq).toBe(6);
  });
});

describe('enrichment', () => {
  it('records new contact data and starts a retry from outreach', () => {
    const r = transition(fixtures.outreach(), { type: 'enriched', contacts: { email: ' Dana.New@example.com ', phone: '+44 7700 900123' } }, ctx);
    expect(r.case.debtor).toMatchObject({ email: 'Dana.New@example.com', phone: '+44 7700 900123' });
    expect(r.case.progress.retry).toEqual({ startedAt: NOW, nextNode: 0, shiftMs: 0 });
    expect(r.case.progress.mainOutreach?.pausedAt).toBe(NOW);
  });

  it('changes nothing when enrichment finds what the case has', () => {
    const c = fixtures.outreach();
    const r = transition(c, { type: 'enriched', contacts: { email: 'DANA@example.com', address: { line1: '1 High St', postcode: 'AB1 2CD', city: 'Town', country: 'GB' } } }, ctx);
    expect(r.case.phase).toBe('outreach');
    expect(r.case.debtor).toEqual(c.debtor);
    expect(r.actions.map(sig)).toEqual(['t:enrichment_no_news']);
  });

  it('sees a number written nationally, an email in other capitals and a postcode without its space as what the case has', () => {
    const c = { ...fixtures.outreach() };
    c.debtor = { ...c.debtor, phone: '+447700900123' };
    const r = transition(c, { type: 'enriched', contacts: { phone: '07700 900123', email: ' Dana@Example.com', address: { line1: '1 high st.', postcode: 'ab12cd', city: 'TOWN', country: 'gb' } } }, ctx);
    expect(r.case.phase).toBe('outreach');
    expect(r.actions.map(sig)).toEqual(['t:enrichment_no_news']);
  });

  it('takes a new address', () => {
    const r = transition(fixtures.outreach(), { type: 'enriched', contacts: { address: { line1: '2 Low Rd', postcode: 'ZZ9 9ZZ', city: 'City' } } }, ctx);
    expect(r.case.phase).toBe('retry');
    expect(r.case.debtor.address).toEqual({ line1: '2 Low Rd', postcode: 'ZZ9 9ZZ', city: 'City' });
  });
});

describe('the cost of a skip-trace lookup', () => {
  const cost = { amountMinor: 150, currency: 'EUR' };
  it('is added to the case total whatever the lookup found, and said on its entry', () => {
    const once = transition(fixtures.outreach(), { type: 'enriched', contacts: {}, source: 'skip trace attempt 1 of 2', cost }, ctx);
    expect(once.case.enrichmentCostMinor).toBe(150);
    expect(once.actions.map(sig)).toEqual(['t:enrichment_no_news']);
    const entry = (once.actions[0] as Extract<(typeof once.actions)[number], { type: 'timeline' }>).entry;
    expect(entry.message).toBe('enrichment (skip trace attempt 1 of 2) found no new contact data; cost €1.50');
    expect(entry.data).toEqual({ costMinor: 150, currency: 'EUR' });
    const twice = transition(once.case, { type: 'enriched', contacts: { phone: '+447700900999' }, cost }, ctx);
    expect(twice.case.enrichmentCostMinor).toBe(300);
  });

  it('found in a breathing space: the contact data is kept, no retry starts there', () => {
    const r = transition(fixtures.breathing_space(), { type: 'enriched', contacts: { phone: '+447700900999' }, cost }, ctx);
    expect(r.case.phase).toBe('breathing_space');
    expect(r.case.debtor.phone).toBe('+447700900999');
    expect(r.case.enrichmentCostMinor).toBe(150);
    expect(r.actions.map(sig)).toEqual(['t:contacts_enriched']);
  });
});

describe('skip-trace attempts', () => {
  it('fall due k * intervalDays after the case started; one due before the day of registration is taken that day', () => {
    expect(dueAttempts('2026-01-05T09:00:00.000Z', { intervalDays: 30, attempts: 2 }, '2026-01-05')).toEqual([
      { attempt: 1, dueDate: '2026-02-04' },
      { attempt: 2, dueDate: '2026-03-06' },
    ]);
    expect(dueAttempts('2026-01-05T09:00:00.000Z', { intervalDays: 30, attempts: 2 }, '2026-02-10')).toEqual([
      { attempt: 1, dueDate: '2026-02-10' },
      { attempt: 2, dueDate: '2026-03-06' },
    ]);
    expect(dueAttempts('2026-01-05T09:00:00.000Z', { intervalDays: 30, attempts: 0 }, '2026-01-05')).toEqual([]);
  });
});
