import { isDeepStrictEqual } from 'node:util';
import { nowIso } from '../adapters/clock';
import { cases, timeline } from '../adapters/dynamo/case-repository';
import { logger } from '../adapters/logger';
import { sendStarts } from '../adapters/start-queue';
import { stopExecution } from '../adapters/step-functions';
import { AppError, ConflictError } from '../errors';
import { tryTransition, type CaseAction, type CaseEvent, type TransitionRefusal, type TransitionResult } from '../domain/transition';
import { countCaseChanges, countExecution } from '../adapters/dynamo/figure-counters';
import { runEnding } from '../domain/results';
import type { Case } from '../schemas/case';
import { loadCaseContext, type CaseContext } from './case-context';
import { closureEmailTime, scheduleClosureEmail } from './closure-email';
import { deliver, ProviderThrottledError, ProviderUnavailableError } from './deliver';

export type CaseEventOutcome = { ok: true; result: TransitionResult; context: CaseContext } | TransitionRefusal;

/**
 * Writes lost to another writer are decided again on a fresh read. Concurrent events of one case
 * (payments with different references arriving together) are not conflicts for the caller: each
 * retry waits a jittered, growing delay so they fall into line, and only a case that stays
 * contended beyond all of this answers 409.
 */
const MAX_ATTEMPTS = 60;
/** Retries stop after this long even with attempts left (well inside an API function's timeout). */
const RETRY_BUDGET_MS = 10_000;
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 200;

/** "Full jitter" backoff: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/ */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A closure or plan message goes out inside the request that changed the case (a payment, a
 * plan check), where no Step Functions retry follows: a send the provider refuses for now (SES's
 * sending rate, reached by two closures in one second) is tried again here, a few times with
 * "equal jitter" (half the delay fixed, half random) so requests that collided fall apart; its
 * claim stays ours between tries (deliver reclaims a failed claim of the same key).
 */
const MESSAGE_TRIES = 5;
const MESSAGE_RETRY_BASE_MS = 500;

async function deliverRetryingRefusals(req: Parameters<typeof deliver>[0]): ReturnType<typeof deliver> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deliver(req);
    } catch (e) {
      const forNow = e instanceof ProviderThrottledError || e instanceof ProviderUnavailableError;
      if (!forNow || attempt + 1 >= MESSAGE_TRIES) throw e;
      const ms = MESSAGE_RETRY_BASE_MS * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, ms / 2 + Math.random() * (ms / 2)));
    }
  }
}

/**
 * Applies an event to a case: transition (pure) -> conditional write at the version read
 * (reload and decide again when someone else wrote first) -> run the actions in order.
 * Every action is safe to repeat: a stop of an ended execution is a no-op, starts carry
 * deterministic names, messages carry idempotency keys.
 *
 * `known`: the caller's fresh read of the case (a step task that just guarded a send with it),
 * used for the first attempt instead of reading again; the write is conditional on its
 * version all the same, so a change in between only costs a reload.
 */
export interface CaseEventOptions {
  known?: CaseContext;
  /**
   * Runs before a start action queues the next run, with the case as written; returns the case
   * as it left it. A step that ends its run uses it to carry the next run's steps due now.
   */
  beforeStart?: (ctx: CaseContext, start: Extract<CaseAction, { type: 'start_workflow' }>) => Promise<CaseContext>;
  /** Who asked for the change (a person's email, an API key, the admin token): on every timeline entry it writes. */
  by?: string;
}

/**
 * Applies one event to a case (a phase change, a payment, a correction, a step's progress: any
 * event of the domain's transition), writes it at the version read and runs its actions.
 */
export async function applyCaseEvent(caseId: string, event: CaseEvent, opts: CaseEventOptions = {}): Promise<CaseEventOutcome> {
  const [r] = await applyCaseEvents(caseId, [event], opts);
  return r!;
}

/**
 * Several events of one case applied in order and written once (a step's progress and the end
 * of its run). Each event sees the case as the ones before left it; a refused event changes
 * nothing and the others still apply. One result per event.
 */
export async function applyCaseEvents(caseId: string, events: CaseEvent[], opts: CaseEventOptions = {}): Promise<CaseEventOutcome[]> {
  let known = opts.known;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const ctx = known ?? (await loadCaseContext(caseId));
    known = undefined;
    const now = nowIso();
    let c = ctx.c;
    const actions: CaseAction[] = [];
    const results: (TransitionResult | TransitionRefusal)[] = [];
    for (const event of events) {
      const r = tryTransition(c, event, { now, client: ctx.client, settings: ctx.settings });
      results.push(r);
      if (!r.ok) continue;
      c = r.case;
      actions.push(...(opts.by ? r.actions.map((a) => signed(a, opts.by!)) : r.actions));
    }
    if (c === ctx.c) return results.map((r) => r as TransitionRefusal);
    // A change that leaves the case as it was and only adds to the timeline (an enrichment that
    // found nothing new) writes just its entries: the case write would change nothing, and no
    // action of it depends on the version.
    if (actions.every((a) => a.type === 'timeline') && isDeepStrictEqual(c, ctx.c)) {
      await runActions(ctx, actions);
      return results.map((r) => (r.ok ? { ok: true as const, result: { ...r, case: ctx.c }, context: ctx } : r));
    }
    let written;
    try {
      written = await cases.replace(c);
    } catch (e) {
      if (e instanceof ConflictError && e.code === 'stale_version' && attempt < MAX_ATTEMPTS && Date.now() - started < RETRY_BUDGET_MS) {
        await backoff(attempt);
        continue;
      }
      throw e;
    }
    const context = { ...ctx, c: written };
    // The versioned write above succeeds once per change, so counting after it counts once.
    await countCaseChange(ctx.c, written, events, now);
    await runActions(context, actions, opts.beforeStart);
    return results.map((r) => (r.ok ? { ok: true as const, result: { ...r, case: written }, context } : r));
  }
}

/**
 * The client's results (phase, placed, collected in the liquidation bucket of now) and, when the
 * change ended the case's run, that run in the operations figures: succeeded when an event of
 * its own ended it (finished, continued as new, breathing space over), else stopped.
 */
async function countCaseChange(before: Case, after: Case, events: CaseEvent[], now: string): Promise<void> {
  const ended = runEnding(before, after, events);
  const moved = before.phase !== after.phase || before.ledger.paidMinor !== after.ledger.paidMinor || before.ledger.principalMinor !== after.ledger.principalMinor;
  await Promise.all([moved ? countCaseChanges([{ before, after }], now) : undefined, ended ? countExecution(ended.kind, ended.how) : undefined]);
}

function signed(a: CaseAction, by: string): CaseAction {
  return a.type === 'timeline' ? { ...a, entry: { ...a.entry, by } } : a;
}

/** Like applyCaseEvent, but a refusal is an error (409) for the API. */
export async function applyCaseEventOrThrow(caseId: string, event: CaseEvent, opts: CaseEventOptions = {}): Promise<{ result: TransitionResult; context: CaseContext }> {
  const r = await applyCaseEvent(caseId, event, opts);
  if (!r.ok) throw new AppError(409, r.code, r.message, [{ field: 'phase', message: `allowed in: ${r.allowedIn.join(', ') || 'no phase'}` }]);
  return r;
}

async function runActions(context: CaseContext, actions: CaseAction[], beforeStart?: CaseEventOptions['beforeStart']): Promise<void> {
  let ctx = context;
  const caseId = ctx.c.caseId;
  for (const [i, a] of actions.entries()) {
    switch (a.type) {
      case 'timeline':
        // Consecutive entries of one change go in one request.
        if (actions[i - 1]?.type === 'timeline') break;
        {
          const entries = [];
          for (let j = i; actions[j]?.type === 'timeline'; j++) entries.push((actions[j] as Extract<CaseAction, { type: 'timeline' }>).entry);
          await timeline.appendMany(caseId, entries);
        }
        break;
      case 'stop_execution':
        await stopExecution(a.kind, a.executionName, a.cause);
        break;
      case 'start_workflow':
        if (beforeStart) ctx = await beforeStart(ctx, a);
        await sendStarts([{ caseId, kind: a.kind, seq: a.seq }]);
        break;
      case 'send_closure_email':
        {
          // Like every send, in the debtor's contact hours: now, or waiting for them.
          const when = closureEmailTime(ctx);
          if (when.now) await deliverRetryingRefusals({ caseId, node: { type: 'email', template: a.template }, key: a.key, workflow: 'closure', nodeIndex: 0, afterClose: true, context: ctx });
          else await scheduleClosureEmail(ctx, { template: a.template, key: a.key }, when.at);
        }
        break;
      case 'send_plan_message':
        for (const [i, node] of a.nodes.entries()) {
          // Late notices follow a due check inside the plan; broken/completed messages go out as the plan ends.
          const out = await deliverRetryingRefusals({ caseId, node, key: `${a.key}:${i}`, workflow: `paymentPlan:${a.event}`, nodeIndex: i, installmentIndex: a.installmentIndex, context: ctx, afterClose: ctx.c.phase === 'closed' });
          if (out.status === 'failed') logger.warn('plan message not sent', { caseId, event: a.event, reason: out.reason });
        }
        break;
    }
  }
}
