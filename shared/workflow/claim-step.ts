import { nowIso } from '../adapters/clock';
import { cases } from '../adapters/dynamo/case-repository';
import { tryTransition } from '../domain/transition';
import { ConflictError } from '../errors';
import type { WorkflowKind } from '../schemas/workflow';
import type { CaseContext } from './case-context';

/** The step of a run a send belongs to. */
export interface StepRef {
  kind: WorkflowKind;
  execution: string;
  index: number;
}

/** What a step's write of the case decided about its send (see deliver's `commit`). */
export interface CommittedStep {
  /** The case as written. */
  context: CaseContext;
  /** This write moved the progress past the node: the send is this invocation's alone. */
  owns: boolean;
  /** The progress was past the node before this write: an earlier invocation claimed the send. */
  claimedBefore: boolean;
}

const nodeDone = (c: CaseContext['c'], step: StepRef) => (c.progress[step.kind]?.nextNode ?? 0) > step.index;

/**
 * A workflow step's claim on the case, made before its message leaves: the step's progress
 * written at the version the guard read (deliver's `commit`). A hold, closure or payment
 * recorded after that read makes the write fail, and deliver reads and guards again, so the
 * change wins and nothing goes out after it. A change recorded after the write comes after
 * the decision to send. Plan steps keep no progress of their own; for them (and with
 * `progress: false`) the write only moves the version on.
 *
 * Progress recorded before the send means a node whose provider refused it, and which a hold
 * then interrupted between Step Functions' retries, is behind the progress when the release
 * resumes the run: the resumed run sends it again first (`nodesToRetry`, run-schedule.ts),
 * claimed on its communication as `progress: false` steps are.
 *
 * The progress is also the send's idempotency claim. The write that moves the step's progress
 * past its node makes the send this invocation's (`owns`): no other invocation can make that
 * same move, so deliver needs no claim of its own on the communication, one request less per
 * step. A write that finds the node done already (`claimedBefore`: Step Functions' retry after
 * a refusal, or a twin invocation of the step) leaves the send to the communication's record:
 * only a send that failed may be taken again.
 *
 * `latest` is the case as the step last knew it (as written, once the claim succeeded), so the
 * step's later write (the end of its run) needs no read; `written` says whether the progress
 * is recorded already (a skip is guarded without a claim, and records its progress after).
 */
export function claimStep(step: StepRef, context: CaseContext, opts: { progress?: boolean } = {}) {
  const progress = (opts.progress ?? true) && step.kind !== 'paymentPlan';
  const claim = {
    latest: context,
    written: false,
    async commit(ctx: CaseContext): Promise<CommittedStep | undefined> {
      let c = ctx.c;
      const doneBefore = progress && nodeDone(c, step);
      if (progress) {
        const r = tryTransition(c, { type: 'step_done', kind: step.kind, index: step.index, executionName: step.execution }, { now: nowIso(), client: ctx.client, settings: ctx.settings });
        if (!('ok' in r)) c = r.case;
      }
      try {
        claim.latest = { ...ctx, c: await cases.replace(c) };
        claim.written = progress;
        return { context: claim.latest, owns: progress && !doneBefore && nodeDone(c, step), claimedBefore: doneBefore };
      } catch (e) {
        if (e instanceof ConflictError && e.code === 'stale_version') return undefined;
        throw e;
      }
    },
  };
  return claim;
}
