import { nowIso } from '../adapters/clock';
import { logger } from '../adapters/logger';
import { resumeSchedule } from '../domain/schedule';
import type { CaseAction } from '../domain/transition';
import type { NodeType } from '../schemas/workflow';
import type { CaseContext } from './case-context';
import { claimStep } from './claim-step';
import { sendTime } from './contact-window';
import { deliver } from './deliver';
import { applyCaseEvents } from './apply-case-event';

/** Nodes a step can carry: one invocation and done (a call needs its Retry to read the outcome). */
const CARRIABLE: ReadonlySet<string> = new Set<NodeType>(['email', 'sms', 'letter', 'ticket']);

/**
 * When a step ends its run by starting the next one (the end of a breathing space, a plan that
 * broke, a finished retry), the next run's first nodes are often due at that same instant (an
 * outreach email on day 0). The ending step delivers them itself, before the start is queued,
 * exactly as the next run would (same guard, same claim on the case, same idempotency key:
 * case, next execution, node) and records them done, so the next run's schedule starts after
 * them: their Wait and Task transitions are saved. Anything that cannot be carried (a call, a
 * provider refusing for now) stops the carrying and stays in the next run's schedule, where its
 * retries apply.
 */
export async function carryDueSteps(ctx: CaseContext, start: Extract<CaseAction, { type: 'start_workflow' }>): Promise<CaseContext> {
  if (start.kind === 'paymentPlan') return ctx;
  const caseId = ctx.c.caseId;
  const now = nowIso();
  let cur = ctx;
  const progress = cur.c.progress[start.kind];
  if (!progress || cur.c.workflow?.executionName !== start.executionName) return cur;
  const sendsAt = sendTime(cur);
  for (const s of resumeSchedule(progress, cur.settings.workflows[start.kind], { now })) {
    // Due now at the case's point of the debtor's contact hours too (as the next run would
    // schedule it): at night the next run sends it in the morning, and a cohort ending its
    // breathing space together is paced over the day rather than carried all at once.
    if (!CARRIABLE.has(s.node.type) || sendsAt(s.at, s.node.type) > now) break;
    try {
      // Progress only once delivered: a node that fails here stays in the next run's schedule.
      const claim = claimStep({ kind: start.kind, execution: start.executionName, index: s.index }, cur, { progress: false });
      await deliver({
        context: cur,
        commit: claim.commit,
        caseId,
        node: { type: s.node.type, template: s.node.template, title: s.node.title },
        key: `${caseId}:${start.executionName}:${s.index}`,
        workflow: start.kind,
        nodeIndex: s.index,
        kind: start.kind,
        execution: start.executionName,
      });
      const [r] = await applyCaseEvents(caseId, [{ type: 'step_done', kind: start.kind, index: s.index, executionName: start.executionName }], { known: claim.latest });
      if (!r?.ok) break; // the case moved on meanwhile: the next run (if still current) decides
      cur = r.context;
    } catch (e) {
      logger.info('step not carried; the next run delivers it', { caseId, execution: start.executionName, index: s.index, error: (e as Error).message });
      break;
    }
  }
  return cur;
}
