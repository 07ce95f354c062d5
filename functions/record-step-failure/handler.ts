import { recordStepFailure } from '../../shared/workflow/steps';

/** Catch target of the walk: records a step that failed after its retries, so the walk goes on. */
export const handler = async (event: unknown) => recordStepFailure(event);
