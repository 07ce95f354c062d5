import { z } from 'zod';
import { nowIso } from '../adapters/clock';
import { cases } from '../adapters/dynamo/case-repository';
import { logger } from '../adapters/logger';
import { ConflictError } from '../errors';
import { planSchedule } from '../domain/payment-plan';
import { breathingSpaceEndsAt, resumeSchedule, splitForExecutionLimits, timedSchedule } from '../domain/schedule';
import { WORKFLOW_KINDS, type WorkflowKind } from '../schemas/workflow';
import { loadCaseContext } from './case-context';
import { registerEnrichment } from './enrichment';

export const runEventSchema = z.object({
  caseId: z.string().min(1),
  kind: z.enum(WORKFLOW_KINDS),
  seq: z.number().int().min(1),
  execution: z.string().min(1),
});

/** One item of the Map: `node.type` picks the channel task; `check` is a plan due check. */
export interface StepItem {
  at: string;
  index: number;
  node: { type: string; template?: string; title?: string; on?: string };
  installmentIndex?: number;
  planStep?: 'agreed' | 'reminder' | 'due_check';
}

export interface RunSchedule {
  steps: StepItem[];
  /** Breathing space only: when it ends (the state machine waits until then). */
  endsAt?: string;
  /** Present when steps remain for a next execution (execution limits); always present as a key (JSONPath needs it). */
  continuation: { at: string; nextIndex: number } | null;
}

/**
 * The schedule of one run, computed once when it starts: from the case's progress (so a
 * resumed run continues where it stopped), its effective settings, and the execution limits.
 * A run that is no longer the case's current one gets no steps (and ends at once).
 */
export async function scheduleRun(event: unknown): Promise<RunSchedule> {
  const e = runEventSchema.parse(event);
  const now = nowIso();
  const ctx = await loadCaseContext(e.caseId);
  const { c, settings } = ctx;
  if (c.workflow?.executionName !== e.execution || c.phase === 'closed') {
    logger.info('stale run: nothing to schedule', { caseId: e.caseId, execution: e.execution, current: c.workflow?.executionName });
    return { steps: [], endsAt: now, continuation: null };
  }
  const kind: WorkflowKind = e.kind;

  if (kind === 'paymentPlan') {
    const plan = c.paymentPlan;
    if (!plan || plan.status !== 'active') return { steps: [], continuation: null };
    const raw = planSchedule({ plan, reminderDays: settings.paymentPlanReminderDays, nodes: settings.workflows.paymentPlan, now, resumed: c.workflow.resumed });
    const items: StepItem[] = raw.map((s) => ({
      at: s.at,
      index: s.index,
      node: s.node ?? { type: 'check' },
      planStep: s.kind,
      ...(s.installmentIndex !== undefined ? { installmentIndex: s.installmentIndex } : {}),
    }));
    return split(items, now);
  }

  const nodes = settings.workflows[kind];
  const progress = c.progress[kind] ?? (await initProgress(e.caseId, kind));
  const steps = progress ? resumeSchedule(progress, nodes, { now }) : timedSchedule({ startedAt: c.workflow.startedAt, nodes });
  const items: StepItem[] = steps.map((s) => ({ at: s.at, index: s.index, node: s.node }));

  if (kind === 'mainOutreach' && !c.workflow.resumed) await registerEnrichment(ctx);

  if (kind === 'breathingSpace') {
    const days = c.breathingSpaceDays ?? settings.breathingSpace.days;
    const endsAt = breathingSpaceEndsAt(progress ?? { startedAt: c.workflow.startedAt, nextNode: 0 }, days);
    // Only nodes inside the breathing space belong to it; the end comes after them.
    return { ...split(items.filter((s) => s.at < endsAt), now), endsAt };
  }
  return split(items, now);
}

/**
 * A run started without recorded progress (cases created by the importer start their first run
 * directly): record it now, so steps done are counted and a hold can resume where it stopped.
 */
async function initProgress(caseId: string, kind: WorkflowKind) {
  for (let attempt = 1; ; attempt++) {
    const c = await cases.get(caseId);
    const existing = c.progress[kind];
    if (existing) return existing;
    const progress = { startedAt: c.workflow?.startedAt ?? nowIso(), nextNode: 0, shiftMs: 0 };
    try {
      await cases.replace({ ...c, progress: { ...c.progress, [kind]: progress } });
      return progress;
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= 5) throw e;
    }
  }
}

function split(items: StepItem[], now: string): RunSchedule {
  const s = splitForExecutionLimits(items, now);
  return { steps: s.now, continuation: s.continueAt && s.nextIndex !== undefined ? { at: s.continueAt, nextIndex: s.nextIndex } : null };
}
