/**
 * The Step Functions (Standard) quotas the local engine enforces, as the service does.
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 * - "Maximum input or output size for a task, state, or execution: 256 KiB of data as a UTF-8
 *   encoded string. This quota affects tasks (activity, Lambda function, or integrated service),
 *   state or execution output, and input data when scheduling a task, entering a state, or
 *   starting an execution."
 * - "Maximum execution history size: 25,000 events."
 * - "Maximum execution time: 1 year. If an execution runs for more than the 1-year maximum, it
 *   will fail with a States.Timeout error."
 */
export interface ServiceLimits {
  payloadBytes: number;
  historyEvents: number;
  executionMs: number;
}

export const SFN_LIMITS: ServiceLimits = {
  payloadBytes: 262_144,
  historyEvents: 25_000,
  executionMs: 365 * 86_400_000,
};

/** Bytes of a value as Step Functions measures a payload: its JSON text in UTF-8. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

/** An execution ended by a quota: the status, error and cause the service records. */
export interface LimitBreach {
  status: 'FAILED' | 'TIMED_OUT';
  error: string;
  cause: string;
}

/**
 * A state's input or output over the payload quota fails the execution with
 * States.DataLimitExceeded, which no Catch (not even States.ALL) catches: "States.ALL ... can't
 * catch the States.DataLimitExceeded terminal error type and runtime error types."
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * The cause is the text the service writes (seen in executions' histories).
 */
export function dataLimitBreach(stateName: string, what: 'input' | 'result', bytes: number, limit: number): LimitBreach {
  const text =
    what === 'result'
      ? `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`
      : `The state/task '${stateName}' has an input with a size exceeding the maximum number of bytes service limit.`;
  return { status: 'FAILED', error: 'States.DataLimitExceeded', cause: `${text} (${bytes} bytes; the limit is ${limit})` };
}

/**
 * At 24,999 events the execution fails unless the next event is ExecutionSucceeded, with this
 * error and cause: https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html
 */
export function historyBreach(limit: number): LimitBreach {
  return { status: 'FAILED', error: 'States.Runtime', cause: `The execution reached the maximum number of history events (${limit}).` };
}

export function timeoutBreach(): LimitBreach {
  return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran longer than the maximum execution time of 1 year.' };
}

/**
 * History events a library event stands for, counted as the service writes them
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html):
 * a Task entered is TaskStateEntered + TaskScheduled + TaskStarted and exits with
 * TaskSucceeded + TaskStateExited; each retry adds TaskFailed + TaskScheduled + TaskStarted;
 * a caught failure TaskFailed + TaskStateExited; a Wait is WaitStateEntered + WaitStateExited;
 * a Map adds MapStateStarted and MapStateSucceeded to its entered/exited pair, and every
 * iteration MapIterationStarted + MapIterationSucceeded; the execution ExecutionStarted and its
 * end event.
 */
export function historyEventsOf(e: { type: string; state?: { type: string } }, isWait: boolean): number {
  const task = e.state?.type === 'Task' && !isWait;
  const map = e.state?.type === 'Map';
  switch (e.type) {
    case 'ExecutionStarted':
    case 'ExecutionSucceeded':
    case 'ExecutionFailed':
    case 'ExecutionAborted':
    case 'ExecutionTimeout':
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
    case 'ParallelBranchStarted':
    case 'ParallelBranchSucceeded':
    case 'ParallelBranchFailed':
      return 1;
    case 'StateEntered':
      return task ? 3 : map ? 2 : 1;
    case 'StateExited':
      return task ? 2 : map ? 2 : 1;
    case 'StateFailed':
      return task ? 1 : 0;
    case 'StateRetried':
      return task ? 2 : 0;
    case 'StateCaught':
      return 1;
    default:
      return 0;
  }
}
