import { z } from 'zod';
import { nowIso } from '../adapters/clock';
import { logger } from '../adapters/logger';
import { planSchedule } from '../domain/payment-plan';
import { breathingSpaceEndsAt, nodesToRetry, orderNodes, resumeSchedule, timedSchedule, walkSteps } from '../domain/schedule';
import { communications } from '../adapters/dynamo/case-repository';
import { stepFunctionFolder } from '../domain/step-functions';
import { NODE_TYPES, WORKFLOW_KINDS, type NodeType, type WorkflowKind } from '../schemas/workflow';
import { loadCaseContext } from './case-context';
import { contactWindow, sendTime } from './contact-window';
import { registerEnrichment } from './enrichment';

export const runEventSchema = z.object({
  caseId: z.string().min(1),
  kind: z.enum(WORKFLOW_KINDS),
  seq: z.number().int().min(1),
  execution: z.string().min(1),
});

/**
 * One item of the Map: `fn` is the short key (function folder) of the Lambda the step's Task
 * invokes, chosen by `node.type` (see shared/domain/step-functions.ts); the state machine adds
 * the stack's function name prefix. `last` marks the step whose task also ends the run
 * (`continuation` says whether it continues as a new execution).
 */
export interface StepItem {
  at: string;
  index: number;
  node: { type: string; template?: string; title?: string; on?: string };
  fn: string;
  installmentIndex?: number;
  planStep?: 'agreed' | 'reminder' | 'due_check';
  last?: true;
  continuation?: { at: string; nextIndex: number } | null;
  /** A node sent again by a resumed run (see nodesToRetry): claimed on its communication, not by the progress it is behind. */
  resend?: true;
  /** A closure email waiting for the contact hours (closure-email.ts): sent as the case's closure message, by this key. */
  closure?: { key: string };
}

/** The input of every execution: the run's steps, computed before it starts, so it begins at the Map. */
export interface RunInput {
  caseId: string;
  kind: WorkflowKind;
  seq: number;
  steps: StepItem[];
}

type Draft = Omit<StepItem, 'fn'>;

/** The runs a release resumes whose refused sends are sent again (plan messages follow the plan's own events). */
const RETRIED_ON_RESUME: ReadonlySet<WorkflowKind> = new Set(['mainOutreach', 'retry']);

/**
 * The schedule of one run, computed once before its execution starts (by the starter): from
 * the case's progress (so a resumed run continues where it stopped), its effective settings,
 * and the execution limits. The last step carries the end of the run: a node's own step when
 * the run ends with it, else an `end` step at the end (a breathing space's end, an empty run).
 * A run that is no longer the case's current one gets `null`: nothing to start.
 */
export async function scheduleRun(event: unknown): Promise<StepItem[] | null> {
  const e = runEventSchema.parse(event);
  const now = nowIso();
  const ctx = await loadCaseContext(e.caseId);
  const { c, settings } = ctx;
  if (c.workflow?.executionName !== e.execution || c.phase === 'closed') {
    logger.info('stale run: nothing to schedule', { caseId: e.caseId, execution: e.execution, current: c.workflow?.executionName });
    return null;
  }
  const inHours = { window: contactWindow(ctx), send: sendTime(ctx) };
  const kind: WorkflowKind = e.kind;

  if (kind === 'paymentPlan') {
    const plan = c.paymentPlan;
    if (!plan || plan.status !== 'active') return finish([], now, inHours, now);
    const raw = planSchedule({ plan, reminderDays: settings.paymentPlanReminderDays, nodes: settings.workflows.paymentPlan, now, resumed: c.workflow.resumed });
    const items: Draft[] = raw.map((s) => ({
      at: s.at,
      index: s.index,
      node: s.node ?? { type: 'check' },
      planStep: s.kind,
      ...(s.installmentIndex !== undefined ? { installmentIndex: s.installmentIndex } : {}),
    }));
    return finish(items, now, inHours);
  }

  const nodes = settings.workflows[kind];
  // A run the importer started has no progress entry yet: nothing done, counted from the run's
  // start. The first step done (or a hold) records it (transition.ts ensureProgress), so
  // starting needs no write of its own.
  const progress = c.progress[kind];
  const steps = progress ? resumeSchedule(progress, nodes, { now }) : timedSchedule({ startedAt: c.workflow.startedAt, nodes });
  const items: Draft[] = steps.map((s) => ({ at: s.at, index: s.index, node: s.node }));
  // Outreach resumed after a hold or a plan: first what the stopped run was still retrying.
  if (progress && c.workflow.resumed && RETRIED_ON_RESUME.has(kind)) {
    const ordered = orderNodes(nodes);
    const resend = nodesToRetry(progress, kind, await communications.listByKeyPrefix(c.caseId, ''));
    items.unshift(...resend.filter((i) => ordered[i]).map((index) => ({ at: now, index, node: ordered[index]!, resend: true as const })));
  }

  // The case's first run, whatever it is (a breathing space or outreach): its skip-trace
  // attempts are dated from the case's start, so they must exist from its start.
  if (e.seq === 1) await registerEnrichment(ctx);

  if (kind === 'breathingSpace') {
    const days = c.breathingSpaceDays ?? settings.breathingSpace.days;
    const endsAt = breathingSpaceEndsAt(progress ?? { startedAt: c.workflow.startedAt, nextNode: 0 }, days);
    // Only nodes inside the breathing space belong to it; its end is a step of its own after them.
    return finish(items.filter((s) => s.at < endsAt), now, inHours, endsAt < now ? now : endsAt);
  }
  return finish(items, now, inHours);
}

/**
 * The walk of one execution (see walkSteps), each step moved into the debtor's contact hours
 * and naming the function that runs it. A message goes out at the case's own point of the
 * window (sendTime: a cohort due at one instant is paced, not sent at once); a plan's due
 * check keeps the opening. The run's own end (`endAt`) is not a message: it keeps its time.
 */
function finish(items: Draft[], now: string, inHours: { window: (at: string) => string; send: (at: string, channel: NodeType) => string }, endAt?: string): StepItem[] {
  let previous = '';
  const timed = items.map((s) => {
    const at = isMessage(s.node.type) ? inHours.send(s.at, s.node.type) : inHours.window(s.at);
    // Channels' slots differ by a few milliseconds: a step never goes before the one ahead of it.
    previous = at < previous ? previous : at;
    return { ...s, at: previous };
  });
  return walkSteps(timed, now, endAt).map((d) => ({ ...d, fn: stepFunctionFolder(d.node.type) }));
}

const isMessage = (type: string): type is NodeType => (NODE_TYPES as readonly string[]).includes(type);
