import type { CaseEvent } from '../domain/transition';
import type { WorkflowKind } from '../schemas/workflow';
import { carryDueSteps } from './carry';
import { applyCaseEvent } from './apply-case-event';

export interface RunEnd {
  caseId: string;
  kind: WorkflowKind;
  execution: string;
  continuation?: { at: string; nextIndex: number } | null;
}

/**
 * The end of a run, carried by its last step: a cut schedule continues as a new execution; the
 * end of a breathing space applies costs and interest (once) and moves the case to outreach;
 * any other run records that it finished. A run that is no longer current changes nothing.
 */
export async function endRun(e: RunEnd): Promise<{ phase: string } | { refused: string; message: string }> {
  // The next run's nodes due now go out with this step (see carry.ts).
  const r = await applyCaseEvent(e.caseId, endEvent(e), { beforeStart: carryDueSteps });
  return r.ok ? { phase: r.result.case.phase } : { refused: r.code, message: r.message };
}

/** The phase event that ends a run. */
export function endEvent(e: RunEnd): CaseEvent {
  return e.continuation
    ? { type: 'workflow_continued', kind: e.kind, nextIndex: e.continuation.nextIndex, executionName: e.execution }
    : e.kind === 'breathingSpace'
      ? { type: 'breathing_space_ended', executionName: e.execution }
      : { type: 'workflow_finished', kind: e.kind, executionName: e.execution };
}
