import { z } from 'zod';
import { changePhase } from '../../shared/workflow/phase-change';
import { runEventSchema } from '../../shared/workflow/run-schedule';

const endEventSchema = runEventSchema.extend({ continuation: z.object({ at: z.string(), nextIndex: z.number().int().min(0) }).nullable().optional() });

/**
 * Closing Task of every state machine: a cut schedule continues as a new execution; the end of
 * a breathing space applies costs and interest (once) and moves the case to outreach; any
 * other run records that it finished. A run that is no longer current changes nothing.
 */
export const handler = async (event: unknown) => {
  const e = endEventSchema.parse(event);
  const r = e.continuation
    ? await changePhase(e.caseId, { type: 'workflow_continued', kind: e.kind, nextIndex: e.continuation.nextIndex, executionName: e.execution })
    : e.kind === 'breathingSpace'
      ? await changePhase(e.caseId, { type: 'breathing_space_ended', executionName: e.execution })
      : await changePhase(e.caseId, { type: 'workflow_finished', kind: e.kind, executionName: e.execution });
  return r.ok ? { phase: r.result.case.phase } : { refused: r.code, message: r.message };
};
