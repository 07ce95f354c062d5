import { ExecutionDoesNotExist, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { WorkflowKind } from '../schemas/workflow';
import { config } from './config';
import { localHttpTuning } from './local-http';

let sfn: SFNClient | undefined;

/** `mainOutreach` -> `main-outreach`: a state machine's name suffix. */
export function kebabKind(kind: WorkflowKind): string {
  return kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function prefix(): string {
  const p = config().STATE_MACHINE_ARN_PREFIX;
  if (!p) throw new Error('STATE_MACHINE_ARN_PREFIX is not set; the stack sets it to the ARN prefix of the project state machines');
  return p;
}

export function stateMachineArn(kind: WorkflowKind): string {
  return `${prefix()}${kebabKind(kind)}`;
}

/** arn:...:stateMachine:<name> -> arn:...:execution:<name>:<execution> */
export function executionArn(kind: WorkflowKind, executionName: string): string {
  return `${stateMachineArn(kind).replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/** Stops an execution; one that ended or never started counts as stopped. */
export async function stopExecution(kind: WorkflowKind, executionName: string, cause: string): Promise<void> {
  sfn ??= new SFNClient({ maxAttempts: 6, ...localHttpTuning() });
  try {
    await sfn.send(new StopExecutionCommand({ executionArn: executionArn(kind, executionName), error: 'Recoup.PhaseChanged', cause: cause.slice(0, 32_000) }));
  } catch (e) {
    if (e instanceof ExecutionDoesNotExist || (e as { name?: string }).name === 'ExecutionDoesNotExist') return;
    throw e;
  }
}
