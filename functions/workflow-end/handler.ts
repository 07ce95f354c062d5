import { ValidationError } from '../../shared/errors';
import { endRun } from '../../shared/workflow/run-end';
import { parseStep } from '../../shared/workflow/steps';

/**
 * The `end` step of a walk (a run whose end is not one of its nodes: the end of a breathing
 * space, a run with nothing left to send): continue-as-new, end of breathing space, or run
 * finished. Runs that end with a node end in that node's task instead.
 */
export const handler = async (event: unknown) => {
  const e = parseStep(event);
  if (!e.step.last) throw new ValidationError('an end step must be the last step of its run (step.last)');
  return endRun({ caseId: e.caseId, kind: e.kind, execution: e.execution, continuation: e.step.continuation });
};
