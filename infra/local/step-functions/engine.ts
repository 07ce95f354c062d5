import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import aslValidator from 'asl-validator';
import { localLambdaContext } from '../lambda-context';
import type { VirtualClock } from '../virtual-clock';
import { retryDelay, type Retrier } from './retry-delay';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  LOCAL_STATE_MACHINE_ARN_PREFIX,
  allStates,
  localFunctionArn,
  type AslDefinition,
  type AslState,
  type LoadedDefinition,
} from './definitions';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A Lambda handler as our functions export it. */
export type TaskHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Billed state transitions so far: every state entered, and every retry. */
  transitions: number;
  /** Lambda invocations by Task states (Wait states run locally are not counted). */
  taskInvocations: number;
}

/** An error the SFN API answers with `__type` (as the SDK expects it). */
export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Thrown into a stopped execution at its next step, so nothing more runs in it. */
class ExecutionStoppedError extends Error {
  override name = 'Recoup.ExecutionStopped';
  readonly isRetryable = false;
}

interface Machine {
  arn: string;
  name: string;
  kind: string;
  definition: AslDefinition;
  machine: StateMachine;
  /**
   * Task state name -> function folder, `invokeByArn` for a `lambda:invoke` Task whose
   * FunctionName comes from its input (ARN -> folder), or `wait` for a Wait state run on the
   * virtual clock.
   */
  tasks: Map<string, { folder: string } | { invokeByArn: Map<string, string> } | { wait: AslState }>;
  retryOverrides: Record<string, number>;
  /** Task state name -> its Retry rules, whose intervals run on the virtual clock. */
  retriers: Map<string, Retrier[]>;
  createdAt: Date;
}

interface LiveExecution {
  record: ExecutionRecord;
  stopped: boolean;
  done: Promise<void>;
  /** A Task entry that failed and will be retried (state name + input): the retries each rule made, and the wait before the next try. */
  retries: Map<string, { tries: number[]; waitMs?: number }>;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** Long enough never to fire in a local session, short enough not to overflow setTimeout (2^31-1 ms). */
const LOCAL_WAIT_TIMEOUT_SECONDS = 2_147_483;

export interface LocalStepFunctionsOptions {
  clock: VirtualClock;
  definitions: LoadedDefinition[];
  /** Loads `functions/<folder>/handler.ts`; overridable for tests that stub tasks. */
  loadHandler?: (folder: string) => Promise<TaskHandler>;
  /** Called when an execution fails (not when it is stopped). */
  onFailure?: (record: ExecutionRecord) => void;
}

/**
 * Step Functions on one machine: the ASL files run on aws-local-stepfunctions, Task states
 * call our handlers in-process, and Wait states sleep on the virtual clock. The library's own
 * Wait timing is not used (its setTimeout overflows past ~24.8 days): each Wait state is run
 * as a local task that parks in `clock.park()` until the state's Timestamp(Path) or
 * Seconds(Path) is due, with the Wait's InputPath/OutputPath/Next intact. Retry intervals
 * run on the virtual clock too: the library retries at once, and the Task waits out the
 * interval Step Functions would (see retryDelay) before it calls the handler again, so a call
 * retried in 15 minutes is placed 15 virtual minutes later.
 */
export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, LiveExecution>();
  private readonly handlers = new Map<string, Promise<TaskHandler>>();
  private readonly loadHandler: (folder: string) => Promise<TaskHandler>;

  constructor(private readonly opts: LocalStepFunctionsOptions) {
    this.loadHandler =
      opts.loadHandler ?? (async (folder) => ((await import(`../../../functions/${folder}/handler.ts`)) as { handler: TaskHandler }).handler);
    for (const d of opts.definitions) this.register(d);
  }

  /** Validates and builds a state machine once; executions reuse it. */
  register(d: LoadedDefinition): void {
    const { isValid, errorsText } = aslValidator(d.definition as never, { checkArn: true, checkPaths: true });
    if (!isValid) throw new Error(`state-machines/${d.kind}.asl.json is not valid ASL:\n${errorsText('\n')}`);
    const local = structuredClone(d.definition);
    const tasks: Machine['tasks'] = new Map();
    const retryOverrides: Record<string, number> = {};
    const retriers = new Map<string, Retrier[]>();
    for (const [name, state] of allStates(local)) {
      if (state.Retry) retryOverrides[name] = 0;
      if (state.Retry && state.Type === 'Task') retriers.set(name, state.Retry as Retrier[]);
      if (state.Type === 'Task' && state.Resource?.startsWith(LAMBDA_INVOKE)) {
        // The optimized Lambda integration: the function is named by ARN in the Parameters
        // (usually from the input); the ARNs the definition mentions are the ones it may call.
        tasks.set(name, { invokeByArn: d.functions });
      } else if (state.Type === 'Task') {
        const folder = state.Resource ? d.functions.get(state.Resource) : undefined;
        if (!folder) throw new Error(`state-machines/${d.kind}.asl.json: Task "${name}" calls ${state.Resource}, which the local engine cannot run; use a \${<Name>FunctionArn} placeholder`);
        tasks.set(name, { folder });
      } else if (state.Type === 'Wait') {
        const wait = { ...state };
        for (const k of ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath']) delete state[k];
        Object.assign(state, { Type: 'Task', Resource: localFunctionArn('local-wait'), TimeoutSeconds: LOCAL_WAIT_TIMEOUT_SECONDS });
        tasks.set(name, { wait });
      }
    }
    const arn = `${LOCAL_STATE_MACHINE_ARN_PREFIX}${d.kind}`;
    this.machines.set(arn, {
      arn,
      name: arn.split(':').pop()!,
      kind: d.kind,
      definition: d.definition,
      machine: new StateMachine(local as never, { validationOptions: { noValidate: true } }),
      tasks,
      retryOverrides,
      retriers,
      createdAt: this.opts.clock.now(),
    });
  }

  listStateMachines() {
    return [...this.machines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: m.createdAt }));
  }

  describeStateMachine(arn: string) {
    const m = this.machine(arn);
    return { stateMachineArn: m.arn, name: m.name, status: 'ACTIVE', definition: JSON.stringify(m.definition), roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/recoup-local`, type: 'STANDARD', creationDate: m.createdAt };
  }

  startExecution(args: { stateMachineArn: string; name?: string; input?: string }): { executionArn: string; startDate: Date } {
    const m = this.machine(args.stateMachineArn);
    const name = args.name ?? randomUUID();
    if (!/^[A-Za-z0-9-_]{1,80}$/.test(name)) throw new SfnApiError('InvalidName', `execution name "${name}" must be 1-80 characters of A-Z a-z 0-9 - _`);
    const inputText = args.input ?? '{}';
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'input is not valid JSON');
    }
    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${m.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // As on AWS: the same name and input of a running execution is an idempotent success.
      if (existing.record.status === 'RUNNING' && existing.record.input === inputText) return { executionArn, startDate: existing.record.startDate };
      throw new SfnApiError('ExecutionAlreadyExists', `execution ${name} already exists`);
    }
    const record: ExecutionRecord = { executionArn, stateMachineArn: m.arn, name, status: 'RUNNING', startDate: this.opts.clock.now(), input: inputText, transitions: 0, taskInvocations: 0 };
    const live: LiveExecution = { record, stopped: false, done: Promise.resolve(), retries: new Map() };
    this.executions.set(executionArn, live);
    live.done = this.opts.clock.track(() => this.run(m, live, input));
    return { executionArn, startDate: record.startDate };
  }

  stopExecution(args: { executionArn: string; error?: string; cause?: string }): { stopDate: Date } {
    const live = this.executions.get(args.executionArn);
    if (!live) throw new SfnApiError('ExecutionDoesNotExist', `no execution ${args.executionArn}`);
    if (live.record.status === 'RUNNING') {
      live.stopped = true;
      Object.assign(live.record, { status: 'ABORTED', stopDate: this.opts.clock.now(), error: args.error, cause: args.cause });
    }
    return { stopDate: live.record.stopDate ?? this.opts.clock.now() };
  }

  describeExecution(executionArn: string): ExecutionRecord {
    const live = this.executions.get(executionArn);
    if (!live) throw new SfnApiError('ExecutionDoesNotExist', `no execution ${executionArn}`);
    return { ...live.record };
  }

  listExecutions(args: { stateMachineArn: string; statusFilter?: ExecutionStatus; maxResults?: number; nextToken?: string }) {
    this.machine(args.stateMachineArn);
    const all = [...this.executions.values()]
      .map((e) => e.record)
      .filter((r) => r.stateMachineArn === args.stateMachineArn && (!args.statusFilter || r.status === args.statusFilter))
      .reverse();
    const start = args.nextToken ? Number(args.nextToken) : 0;
    const size = Math.min(args.maxResults || 100, 1000);
    const page = all.slice(start, start + size);
    return { executions: page.map((r) => ({ ...r })), nextToken: start + size < all.length ? String(start + size) : undefined };
  }

  /** Every execution, for the benchmark and diagnostics. */
  allExecutions(): ExecutionRecord[] {
    return [...this.executions.values()].map((e) => ({ ...e.record }));
  }

  private machine(arn: string): Machine {
    const m = this.machines.get(arn);
    if (!m) throw new SfnApiError('StateMachineDoesNotExist', `no state machine ${arn}; local machines: ${[...this.machines.keys()].join(', ')}`);
    return m;
  }

  private async run(m: Machine, live: LiveExecution, input: unknown): Promise<void> {
    const { record } = live;
    const taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [stateName, task] of m.tasks) {
      const call: (input: unknown) => Promise<unknown> =
        'folder' in task
          ? (i) => this.invoke(live, task.folder, stateName, i)
          : 'invokeByArn' in task
            ? (i) => this.invokeByArn(live, task.invokeByArn, stateName, i)
            : (i) => this.wait(live, task.wait, stateName, i);
      const rules = m.retriers.get(stateName);
      taskResourceLocalHandlers[stateName] = rules ? (i) => this.withRetryIntervals(live, stateName, rules, call, i) : call;
    }
    const execution = m.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never, retryIntervalOverrides: m.retryOverrides },
      context: {
        Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate.toISOString(), RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/recoup-local` },
        StateMachine: { Id: m.arn, Name: m.name },
      } as never,
    });
    const counting = (async () => {
      for await (const e of execution.eventLogs) if (e.type === 'StateEntered' || e.type === 'StateRetried') record.transitions++;
    })();
    try {
      const output = await execution.result;
      if (!live.stopped) Object.assign(record, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null), stopDate: this.opts.clock.now() });
    } catch (e) {
      if (!live.stopped) {
        const cause = (e as { cause?: { name?: string; message?: string } }).cause ?? (e as Error);
        Object.assign(record, { status: 'FAILED', error: cause.name ?? 'Error', cause: cause.message ?? String(e), stopDate: this.opts.clock.now() });
        this.opts.onFailure?.({ ...record });
      }
    }
    await counting;
  }

  /** A Task with Retry rules: a retry first waits out its interval on the virtual clock. */
  private async withRetryIntervals(live: LiveExecution, stateName: string, rules: Retrier[], call: (input: unknown) => Promise<unknown>, input: unknown): Promise<unknown> {
    // Every try of one Task entry gets the same input.
    const key = `${stateName}\u0000${JSON.stringify(input)}`;
    const retry = live.retries.get(key);
    if (retry?.waitMs) {
      await this.opts.clock.park(new Date(this.opts.clock.now().getTime() + retry.waitMs));
      retry.waitMs = undefined;
    }
    try {
      const out = await call(input);
      live.retries.delete(key);
      return out;
    } catch (e) {
      const tries = retry?.tries ?? [];
      const next = live.stopped ? undefined : retryDelay(rules, (e as Error).name, tries);
      if (next) {
        tries[next.rule] = (tries[next.rule] ?? 0) + 1;
        live.retries.set(key, { tries, waitMs: next.ms });
      } else live.retries.delete(key);
      throw e;
    }
  }

  private async invoke(live: LiveExecution, folder: string, stateName: string, input: unknown): Promise<unknown> {
    if (live.stopped) throw new ExecutionStoppedError(`execution ${live.record.name} was stopped`);
    live.record.taskInvocations++;
    let handler = this.handlers.get(folder);
    if (!handler) this.handlers.set(folder, (handler = this.loadHandler(folder)));
    // A JSON round trip, as the Lambda payload would be.
    const event = JSON.parse(JSON.stringify(input ?? null)) as unknown;
    const out = await (await handler)(event, localLambdaContext(folder, 60_000, `local-${stateName}`));
    return out === undefined ? null : (JSON.parse(JSON.stringify(out)) as unknown);
  }

  /** `lambda:invoke`: `{ FunctionName, Payload }` in, `{ Payload, StatusCode }` out, as the integration answers. */
  private async invokeByArn(live: LiveExecution, arns: Map<string, string>, stateName: string, input: unknown): Promise<unknown> {
    const { FunctionName, Payload } = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
    const folder = typeof FunctionName === 'string' ? arns.get(FunctionName) : undefined;
    if (!folder) {
      // As Lambda answers an unknown function (or one the machine's role may not invoke).
      throw Object.assign(new Error(`state "${stateName}": function ${String(FunctionName)} is not one this state machine names; known: ${[...arns.keys()].join(', ')}`), { name: 'Lambda.ResourceNotFoundException' });
    }
    return { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: await this.invoke(live, folder, stateName, Payload) };
  }

  private async wait(live: LiveExecution, state: AslState, stateName: string, input: unknown): Promise<unknown> {
    if (live.stopped) throw new ExecutionStoppedError(`execution ${live.record.name} was stopped`);
    const now = this.opts.clock.now().getTime();
    let until: number;
    if (state.Seconds !== undefined) until = now + state.Seconds * 1000;
    else if (state.SecondsPath) until = now + Number(readPath(input, state.SecondsPath, stateName)) * 1000;
    else if (state.Timestamp) until = Date.parse(state.Timestamp);
    else until = Date.parse(String(readPath(input, state.TimestampPath!, stateName)));
    if (Number.isNaN(until)) throw Object.assign(new Error(`Wait state "${stateName}": no valid timestamp at ${state.TimestampPath}`), { name: 'States.Runtime' });
    await this.opts.clock.park(new Date(until));
    if (live.stopped) throw new ExecutionStoppedError(`execution ${live.record.name} was stopped`);
    return input;
  }
}

/** Reads `$.a.b[0].c` from a value; the Wait paths we write are plain paths like this. */
export function readPath(value: unknown, path: string, stateName: string): unknown {
  if (!path.startsWith('$')) throw new Error(`state "${stateName}": path ${path} must start with $`);
  let cur: unknown = value;
  for (const part of path.slice(1).match(/\.[^.[\]]+|\[\d+\]|\['[^']*'\]/g) ?? []) {
    const key = part.startsWith('.') ? part.slice(1) : part.startsWith("['") ? part.slice(2, -2) : Number(part.slice(1, -1));
    cur = cur == null ? undefined : (cur as Record<string | number, unknown>)[key];
  }
  if (cur === undefined) throw Object.assign(new Error(`state "${stateName}": nothing at ${path} in the state's input`), { name: 'States.Runtime' });
  return cur;
}
