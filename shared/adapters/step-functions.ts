import { ExecutionAlreadyExists, ExecutionDoesNotExist, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { WorkflowKind } from '../schemas/workflow';
import { config } from './config';
import { sdkClientOptions } from './sdk-client-options';

let sfn: SFNClient | undefined;
let starts: SFNClient | undefined;

/** `mainOutreach` -> `main-outreach`: a state machine's name suffix. */
export function kebabKind(kind: WorkflowKind): string {
  return kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function client(): SFNClient {
  sfn ??= new SFNClient({ maxAttempts: 6, ...sdkClientOptions() });
  return sfn;
}

/**
 * StartExecution has a throttle bucket of its own (about 300 a second refill in big regions) and
 * a big import asks for more than that. Its own client in the SDK's adaptive retry mode paces the
 * starts to the rate the service accepts (client-side rate limiting on top of the standard
 * retries), which is what that mode is meant for: one throttled resource, callers that can wait.
 * What it still cannot start goes back to the start queue (see the starter).
 */
function startsClient(): SFNClient {
  starts ??= new SFNClient({ maxAttempts: 6, retryMode: 'adaptive', ...sdkClientOptions() });
  return starts;
}

/** The ARN prefix of the project's state machines; throws a clear error when the stack did not set it. */
export function stateMachineArnPrefix(): string {
  const p = config().STATE_MACHINE_ARN_PREFIX;
  if (!p) throw new Error('STATE_MACHINE_ARN_PREFIX is not set; the stack sets it to the ARN prefix of the project state machines');
  return p;
}

export function stateMachineArn(kind: WorkflowKind): string {
  return `${stateMachineArnPrefix()}${kebabKind(kind)}`;
}

/** arn:...:stateMachine:<name> -> arn:...:execution:<name>:<execution> */
export function executionArn(kind: WorkflowKind, executionName: string): string {
  return `${stateMachineArn(kind).replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/** Stops an execution; one that ended or never started counts as stopped. */
export async function stopExecution(kind: WorkflowKind, executionName: string, cause: string): Promise<void> {
  try {
    await client().send(new StopExecutionCommand({ executionArn: executionArn(kind, executionName), error: 'Recoup.PhaseChanged', cause: cause.slice(0, 32_000) }));
  } catch (e) {
    if (e instanceof ExecutionDoesNotExist || (e as { name?: string }).name === 'ExecutionDoesNotExist') return;
    throw e;
  }
}

/**
 * Starts an execution under its deterministic name. A name already used (a replayed start)
 * answers `exists` instead of starting a second execution; other errors are the caller's.
 */
export async function startExecution(kind: WorkflowKind, executionName: string, input: unknown): Promise<'started' | 'exists'> {
  try {
    await startsClient().send(new StartExecutionCommand({ stateMachineArn: stateMachineArn(kind), name: executionName, input: JSON.stringify(input) }));
    return 'started';
  } catch (e) {
    if (e instanceof ExecutionAlreadyExists || (e as { name?: string }).name === 'ExecutionAlreadyExists') return 'exists';
    throw e;
  }
}
