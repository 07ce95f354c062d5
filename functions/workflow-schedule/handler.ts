import { scheduleRun } from '../../shared/workflow/run-schedule';

/** First Task of every state machine: the run's steps `[{ at, index, node }]`, computed once. */
export const handler = async (event: unknown) => scheduleRun(event);
