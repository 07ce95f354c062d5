import { nowIso } from '../adapters/clock';
import { cases, timeline } from '../adapters/dynamo/case-repository';
import { logger } from '../adapters/logger';
import { sendStarts } from '../adapters/start-queue';
import { stopExecution } from '../adapters/step-functions';
import { AppError, ConflictError } from '../errors';
import { tryTransition, type CaseAction, type CaseEvent, type TransitionRefusal, type TransitionResult } from '../domain/transition';
import { loadCaseContext, type CaseContext } from './case-context';
import { deliver } from './deliver';

export type PhaseChange = { ok: true; result: TransitionResult; context: CaseContext } | TransitionRefusal;

const MAX_ATTEMPTS = 5;

/**
 * Applies an event to a case: transition (pure) -> conditional write at the version read
 * (reload and decide again when someone else wrote first) -> run the actions in order.
 * Every action is safe to repeat: a stop of an ended execution is a no-op, starts carry
 * deterministic names, messages carry idempotency keys.
 */
export async function changePhase(caseId: string, event: CaseEvent): Promise<PhaseChange> {
  for (let attempt = 1; ; attempt++) {
    const ctx = await loadCaseContext(caseId);
    const r = tryTransition(ctx.c, event, { now: nowIso(), client: ctx.client, settings: ctx.settings });
    if ('ok' in r) return r;
    let written;
    try {
      written = await cases.replace(r.case);
    } catch (e) {
      if (e instanceof ConflictError && e.code === 'stale_version' && attempt < MAX_ATTEMPTS) continue;
      throw e;
    }
    const context = { ...ctx, c: written };
    await runActions(context, r.actions);
    return { ok: true, result: { ...r, case: written }, context };
  }
}

/** Like changePhase, but a refusal is an error (409) for the API. */
export async function changePhaseOrThrow(caseId: string, event: CaseEvent): Promise<{ result: TransitionResult; context: CaseContext }> {
  const r = await changePhase(caseId, event);
  if (!r.ok) throw new AppError(409, r.code, r.message, [{ field: 'phase', message: `allowed in: ${r.allowedIn.join(', ') || 'no phase'}` }]);
  return r;
}

async function runActions(ctx: CaseContext, actions: CaseAction[]): Promise<void> {
  const caseId = ctx.c.caseId;
  for (const a of actions) {
    switch (a.type) {
      case 'timeline':
        await timeline.append(caseId, a.entry);
        break;
      case 'stop_execution':
        await stopExecution(a.kind, a.executionName, a.cause);
        break;
      case 'start_workflow':
        await sendStarts([{ caseId, kind: a.kind, seq: a.seq }]);
        break;
      case 'send_closure_email':
        await deliver({ caseId, node: { type: 'email', template: a.template }, key: a.key, workflow: 'closure', nodeIndex: 0, afterClose: true, context: ctx });
        break;
      case 'send_plan_message':
        for (const [i, node] of a.nodes.entries()) {
          // Late notices follow a due check inside the plan; broken/completed messages go out as the plan ends.
          const out = await deliver({ caseId, node, key: `${a.key}:${i}`, workflow: `paymentPlan:${a.event}`, nodeIndex: i, installmentIndex: a.installmentIndex, context: ctx, afterClose: ctx.c.phase === 'closed' });
          if (out.status === 'failed') logger.warn('plan message not sent', { caseId, event: a.event, reason: out.reason });
        }
        break;
    }
  }
}
