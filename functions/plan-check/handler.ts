import { ValidationError } from '../../shared/errors';
import { completeStep, parseStep } from '../../shared/workflow/steps';

/**
 * A plan's due check, when an instalment's due date has ended: paid, late (late notice goes
 * out), broken (back to outreach) or completed (closed when nothing is left). A replayed check
 * changes and sends nothing. The plan's last check also ends the run.
 */
export const handler = async (event: unknown) => {
  const e = parseStep(event);
  if (e.step.installmentIndex === undefined) throw new ValidationError('a due check step needs installmentIndex');
  // The plan's last check also ends the run, in the same write; a broken plan's outreach nodes due now go out with it.
  const [r] = await completeStep(e, [{ type: 'installment_due_checked', index: e.step.installmentIndex, executionName: e.execution }], undefined, { carry: true });
  return r!.ok ? { outcome: r!.result.outcome, phase: r!.result.case.phase } : { refused: r!.code, message: r!.message };
};
