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
 * A write that finds the node done already (`claimedBefore`: Step Functions' retry after a
 * refusal or a timeout, or a twin invocation of the step) tells deliver that an earlier try
 * began this send; its record on the communication then says how far that try got.
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
        if (r.ok) c = r.case;
      }
      try {
        claim.latest = { ...ctx, c: await cases.replace(c) };
        claim.written = progress;
        return { context: claim.latest, claimedBefore: doneBefore };
      } catch (e) {
        if (e instanceof ConflictError && e.code === 'stale_version') return undefined;
        throw e;
      }
    },
  };
  return claim;
}
