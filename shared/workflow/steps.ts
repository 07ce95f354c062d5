import { z } from 'zod';
import { nowIso } from '../adapters/clock';
import { cases, communications, timeline } from '../adapters/dynamo/case-repository';
import { countSend, countStepFailure } from '../adapters/dynamo/figure-counters';
import { callState } from '../adapters/channels/connect';
import { ProviderError } from '../adapters/channels/errors';
import { metrics } from '../adapters/metrics';
import { stopExecution } from '../adapters/step-functions';
import { ValidationError } from '../errors';
import { WORKFLOW_KINDS, NODE_TYPES, type NodeType, type WorkflowKind } from '../schemas/workflow';
import { loadCaseContext, type CaseContext } from './case-context';
import { deliver, ProviderUnavailableError, RETRY_NOTE, type DeliveryOutcome } from './deliver';
import type { CaseEvent } from '../domain/transition';
import { applyCaseEvents, type CaseEventOutcome } from './apply-case-event';
import { carryDueSteps } from './carry';
import { claimStep, type StepRef } from './claim-step';
import { contactWindow } from './contact-window';
import { endEvent } from './run-end';

/** The input of every step task: what the Map's ItemSelector passes (see state-machines/). */
export const stepEventSchema = z.object({
  caseId: z.string().min(1),
  kind: z.enum(WORKFLOW_KINDS),
  seq: z.number().int().min(1),
  execution: z.string().min(1),
  step: z.object({
    at: z.string(),
    index: z.number().int().min(0),
    node: z.object({ type: z.string(), template: z.string().optional(), title: z.string().optional(), on: z.string().optional() }).passthrough(),
    installmentIndex: z.number().int().min(0).optional(),
    planStep: z.enum(['agreed', 'reminder', 'due_check']).optional(),
    /** The short key (function folder) of the Lambda the walk invoked for this step (see shared/domain/step-functions.ts). */
    fn: z.string().optional(),
    /** The run's last step: its task also ends the run, after the step's own work. */
    last: z.literal(true).optional(),
    continuation: z.object({ at: z.string(), nextIndex: z.number().int().min(0) }).nullable().optional(),
    /** A node a resumed run sends again: its claim is its communication's key, the progress is past it. */
    resend: z.literal(true).optional(),
    /** A closure email that waited for the contact hours (closure-email.ts): not a step of the case's runs. */
    closure: z.object({ key: z.string().min(1) }).optional(),
  }),
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});
export type StepEvent = z.infer<typeof stepEventSchema>;

export function parseStep(event: unknown): StepEvent {
  const p = stepEventSchema.safeParse(event);
  if (!p.success) throw new ValidationError(`step input is invalid: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return p.data;
}

const stepKey = (e: StepEvent) => `${e.caseId}:${e.execution}:${e.step.index}`;
const stepRef = (e: StepEvent): StepRef => ({ kind: e.kind, execution: e.execution, index: e.step.index });

/**
 * A step is done: timed workflows remember how far they got (so a release continues after the
 * last step done), and the last step of a walk ends the run (there is no separate closing
 * state: one transition less per execution), in one conditional write of the case. `known`
 * is the case as the step just read it for its guard (saves a read; the write still checks
 * its version). A step that throws (retry, call outcome pending) ends nothing; its retry or
 * the failure recorder does.
 */
async function markStepDone(e: StepEvent, known?: CaseContext): Promise<void> {
  await completeStep(e, [], known);
}

/**
 * `events` (a due check's) then the step's progress and the run's end, written once; the
 * results of `events`. `carry`: the next run's nodes due now go out with this step (see
 * carry.ts); only for functions granted every channel a carried node may use.
 */
export async function completeStep(e: StepEvent, events: CaseEvent[], known?: CaseContext, opts: { carry?: boolean } = {}): Promise<CaseEventOutcome[]> {
  const all = [...events];
  if (e.kind !== 'paymentPlan') all.push({ type: 'step_done', kind: e.kind, index: e.step.index, executionName: e.execution }); // a plan's progress is its instalments
  if (e.step.last) all.push(endEvent({ caseId: e.caseId, kind: e.kind, execution: e.execution, continuation: e.step.continuation }));
  if (all.length === 0) return [];
  const results = await applyCaseEvents(e.caseId, all, { known, ...(opts.carry ? { beforeStart: carryDueSteps } : {}) });
  await stopIfLeft(e, results);
  return results.slice(0, events.length);
}

/**
 * A step whose own event took the case out of its run (a due check that broke the plan or
 * closed the case) stops its execution once everything else is done: the domain never has a
 * run stop itself, and the rest of its walk would only wake to find the run gone and record
 * skips of messages no longer due. The run's last step has nothing left to walk.
 */
async function stopIfLeft(e: StepEvent, results: CaseEventOutcome[]): Promise<void> {
  if (e.step.last) return;
  const last = results.findLast((r) => r.ok);
  if (!last?.ok || last.result.case.workflow?.executionName === e.execution) return;
  const now = last.result.case;
  await stopExecution(e.kind, e.execution, `the case left this run at step ${e.step.index + 1}: it is now ${now.phase}${now.closedReason ? ` (${now.closedReason.replace(/_/g, ' ')})` : ''}`);
}

export interface StepResult {
  status: DeliveryOutcome['status'] | 'answered' | 'unanswered' | 'gave_up';
  reason?: string;
}

/** A channel step: deliver the node (guarded, claimed on the case, idempotent), then end the run if it is the last. */
export async function runChannelStep(event: unknown, channel: NodeType): Promise<StepResult> {
  const e = parseStep(event);
  if (e.step.node.type !== channel) throw new ValidationError(`the ${channel} task got a ${e.step.node.type} node; check the step's function`);
  if (e.step.closure) return closureStep(e, channel, e.step.closure.key);
  return channelStep(e, channel, await loadCaseContext(e.caseId));
}

/**
 * A closure email whose contact hours came: guarded as a closure message (the case is closed),
 * sent once by its key whatever retries follow; a refusal for now is the state's to retry.
 * It belongs to no run of the case: no progress, no run end.
 */
async function closureStep(e: StepEvent, channel: NodeType, key: string): Promise<StepResult> {
  const out = await deliver({ caseId: e.caseId, node: { type: channel, template: e.step.node.template }, key, workflow: 'closure', nodeIndex: 0, afterClose: true });
  return { status: out.status, ...('reason' in out ? { reason: out.reason } : {}) };
}

/** A channel step once it has read the case (`context`, the guard's read). */
export async function channelStep(e: StepEvent, channel: NodeType, context: CaseContext): Promise<StepResult> {
  const claim = claimStep(stepRef(e), context, { progress: !e.step.resend });
  const out = await deliver({
    context,
    commit: claim.commit,
    caseId: e.caseId,
    node: { type: channel, template: e.step.node.template, title: e.step.node.title },
    key: stepKey(e),
    workflow: e.kind,
    nodeIndex: e.step.index,
    kind: e.kind,
    execution: e.execution,
    installmentIndex: e.step.installmentIndex,
    ...(e.step.planStep === 'reminder' && e.step.installmentIndex !== undefined ? { reminderFor: e.step.installmentIndex } : {}),
  });
  // The claim recorded the progress before the send; a skip (no claim) and the run's end are written now.
  if (!claim.written || e.step.last) await markStepDone(e, claim.latest);
  return { status: out.status, ...('reason' in out ? { reason: out.reason } : {}) };
}

/** Thrown after a call was placed: the Retry policy brings the task back to read its outcome. */
export class CallOutcomePendingError extends Error {
  override name = 'Recoup.CallOutcomePending';
}

/**
 * A voice or call-centre step. Each invocation reads how the last placed call went: answered
 * ends the step; unanswered or failed places the next attempt (a new idempotency key) while
 * attempts are left (1 + the effective maxPhoneCallRetries), then throws CallOutcomePending so
 * the state's Retry comes back to read that call's outcome.
 */
export async function runCallStep(event: unknown, channel: 'voice' | 'call'): Promise<StepResult> {
  const e = parseStep(event);
  if (e.step.node.type !== channel) throw new ValidationError(`the ${channel} task got a ${e.step.node.type} node; check the step's function`);
  return callStep(e, channel);
}

async function callStep(e: StepEvent, channel: 'voice' | 'call'): Promise<StepResult> {
  const key = stepKey(e);
  const attempts = (await communications.listByKeyPrefix(e.caseId, `${key}:`)).sort((a, b) => a.attempt - b.attempt);
  const last = attempts.at(-1);
  const place = async (attempt: number, known?: CaseContext): Promise<StepResult> => {
    // The first attempt's write moves the progress past the node; every attempt is claimed on
    // its own communication (its key has the attempt).
    const claim = claimStep(stepRef(e), known ?? (await loadCaseContext(e.caseId)), { progress: attempt === 1 && !e.step.resend });
    const out = await deliver({ context: claim.latest, commit: claim.commit, caseId: e.caseId, node: { type: channel, template: e.step.node.template }, key, attempt, workflow: e.kind, nodeIndex: e.step.index, kind: e.kind, execution: e.execution });
    if (out.status === 'sent') throw new CallOutcomePendingError(`call attempt ${attempt} placed (${out.providerId}); its outcome is read on the next try`);
    await markStepDone(e, claim.latest);
    return { status: out.status, ...('reason' in out ? { reason: out.reason } : {}) };
  };
  if (!last) return await place(1);
  // The provider refused the attempt before dialing (recorded failed, retryable): this retry
  // places that same attempt again, as an SMS's retry sends it; its claim is the communication
  // (deliver takes a failed one again), so a retry never dials an attempt that was placed.
  if (last.status === 'failed' && last.retryable) return await place(last.attempt);
  // A try stopped while it placed this attempt (or is placing it now): deliver records it
  // `unknown` and dials no one, since that try may have dialled.
  if (last.status === 'sending') return await place(last.attempt);
  if (last.status !== 'sent' || !last.providerId || last.reason) {
    // Skipped, failed, or already settled: nothing more to do for this step.
    await markStepDone(e);
    return { status: last.status === 'skipped' ? 'skipped' : 'failed', reason: last.reason };
  }
  let state;
  try {
    state = await callState(last.providerId);
  } catch (err) {
    if (err instanceof ProviderError && err.kind !== 'permanent') throw new ProviderUnavailableError(err.message);
    throw err;
  }
  if (state === 'in_progress') throw new CallOutcomePendingError(`call attempt ${last.attempt} is still in progress`);
  const what = channel === 'voice' ? 'voice call' : 'call-centre call';
  if (state === 'answered') {
    // The attempt's outcome and its timeline entry in one request.
    await communications.settleWithEvent(e.caseId, last, { status: 'sent', reason: 'answered' }, { type: 'call_answered', message: `${what} answered (attempt ${last.attempt})`, data: { key: last.key } });
    // The first attempt's claim moved the progress past this node: only the run's end is left to write.
    if (e.step.last) await markStepDone(e);
    return { status: 'answered' };
  }
  const failed = { status: 'failed' as const, reason: state === 'unanswered' ? 'not answered' : 'call failed' };
  const how = state === 'unanswered' ? 'not answered' : 'failed';
  const ctx = await loadCaseContext(e.caseId);
  const maxAttempts = 1 + ctx.settings.maxPhoneCallRetries;
  const attemptsLeft = last.attempt < maxAttempts;
  const now = nowIso();
  // The contact hours ending between attempts ends the calls too: a Retry cannot wait until morning, and nobody is called at night.
  const hoursOver = attemptsLeft && contactWindow(ctx)(now) !== now;
  if (attemptsLeft && !hoursOver) {
    await communications.settleWithEvent(e.caseId, last, failed, { type: 'call_unanswered', message: `call attempt ${last.attempt} of ${maxAttempts} ${how}; calling again`, data: { key: last.key } });
    return await place(last.attempt + 1, ctx); // the case read just above is still current: only communications changed since
  }
  const message = hoursOver
    ? `call attempt ${last.attempt} of ${maxAttempts} ${how}; the debtor's contact hours are over, so no more calls for this node`
    : `call ${how} after ${last.attempt} attempt(s) (1 + ${ctx.settings.maxPhoneCallRetries} retries); no more calls for this node`;
  await communications.settleWithEvent(e.caseId, last, failed, { type: 'call_gave_up', message, data: { key: last.key } });
  await markStepDone(e, ctx);
  return hoursOver ? { status: 'gave_up', reason: 'contact hours over' } : { status: 'gave_up' };
}

/** After a step failed for good (retries spent) or had an unknown node type: record it and let the walk go on. */
export async function recordStepFailure(event: unknown): Promise<StepResult> {
  const e = parseStep(event);
  const known = (NODE_TYPES as readonly string[]).includes(e.step.node.type) || e.step.node.type === 'check';
  const why = known ? `${e.failure?.Error ?? 'error'}: ${e.failure?.Cause ?? 'no cause given'}` : `unknown node type "${e.step.node.type}"`;
  await timeline.append(e.caseId, {
    type: 'step_failed',
    message: `${e.kind} step ${e.step.index + 1} (${e.step.node.type}) failed and was given up: ${why.slice(0, 500)}`,
    data: { execution: e.execution, index: e.step.index, error: e.failure?.Error },
  });
  // Its sends refused for now are given up with it: no resumed run sends them later (nodesToRetry).
  // A closure email's sends are keyed by the closure, not by the step.
  let clientId: string | undefined;
  for (const c of await communications.listByKeyPrefix(e.caseId, `${e.step.closure?.key ?? stepKey(e)}:`)) {
    if (!(c.status === 'failed' && c.retryable)) continue;
    // Counted by the write that gives it up (conditional on it still waiting): a replay counts nothing.
    if (await communications.giveUp(e.caseId, c, `${(c.reason ?? 'refused').replace(` ${RETRY_NOTE}`, '')}; given up after the step's retries`)) {
      clientId ??= (await cases.find(e.caseId))?.clientId;
      if (clientId) await countSend(clientId, c.channel, 'failed', { givenUp: true });
    }
  }
  await countStepFailure(e.kind);
  const m = metrics.singleMetric();
  m.addDimension('kind', e.kind);
  m.addMetric('StepsFailed', 'Count', 1);
  await markStepDone(e);
  return { status: 'failed', reason: why };
}

export type { WorkflowKind };
