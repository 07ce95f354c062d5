import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import aslValidator from 'asl-validator';
import { localLambdaContext } from '../lambda-context';
import type { VirtualClock, WakeUp } from '../virtual-clock';
import { jittered, retryDelay, type Retrier } from './retry-delay';
import type { ExecutionStore, JournalEntry, StoredExecution } from './execution-store';
import { SFN_LIMITS, dataLimitBreach, historyBreach, historyEventsOf, payloadBytes, timeoutBreach, type LimitBreach, type ServiceLimits } from './limits';
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
  /** Events in its history as the service would write them (the 25,000 quota counts these). */
  historyEvents: number;
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

/** Ends the interpreter's run of an execution that sleeps until a Wait is due (see `hibernate`). */
class ExecutionHibernatedError extends ExecutionStoppedError {}

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
  /** A Task entry that failed and will be retried (state name + input): the retries each rule made, and when the next try is due. */
  retries: Map<string, { tries: number[]; dueAt?: number }>;
  /** Bytes of the results a Map state has gathered from its iterations so far, by state name. */
  mapResultBytes: Map<string, number>;
  /** The next task call's place in the execution (journal key). */
  calls: number;
  /** Calls finished before a restart or a hibernation, by place: answered from here instead of running again. */
  journal: Map<number, JournalEntry>;
  /** Every call this execution finished, in order: what a replay after a hibernation answers from. */
  finished: JournalEntry[];
  /** The clock's timer that replays it when its Wait is due. */
  wake?: WakeUp;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** Long enough never to fire in a local session, short enough not to overflow setTimeout (2^31-1 ms). */
const LOCAL_WAIT_TIMEOUT_SECONDS = 2_147_483;

export interface LocalStepFunctionsOptions {
  clock: VirtualClock;
  definitions: LoadedDefinition[];
  /** Loads `functions/<folder>/handler.ts`; overridable for tests that stub tasks. */
  loadHandler?: (folder: string) => Promise<TaskHandler>;
  /**
   * The account's Lambda concurrency: an invocation beyond it is refused with
   * Lambda.TooManyRequestsException, as Lambda refuses it (default: unlimited).
   */
  lambdaConcurrency?: number;
  /** Called when an execution fails or times out (not when it is stopped). */
  onFailure?: (record: ExecutionRecord) => void;
  /** Keeps executions and their finished task calls on disk, so a restart resumes them (see resume()). */
  store?: ExecutionStore;
  /** The service quotas to enforce; tests lower them. @default SFN_LIMITS */
  limits?: Partial<ServiceLimits>;
  /** Told when a resumed execution's calls no longer match its journal (a definition changed meanwhile). */
  log?: (message: string) => void;
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
  private readonly limits: ServiceLimits;
  /** Handler invocations running now (Lambda's concurrent executions). */
  private inFlight = 0;
  private interpreting = 0;

  constructor(private readonly opts: LocalStepFunctionsOptions) {
    this.loadHandler =
      opts.loadHandler ?? (async (folder) => ((await import(`../../../functions/${folder}/handler.ts`)) as { handler: TaskHandler }).handler);
    this.limits = { ...SFN_LIMITS, ...opts.limits };
    for (const d of opts.definitions) this.register(d);
    for (const stored of opts.store?.executions.values() ?? []) {
      const record = fromStored(stored);
      this.executions.set(record.executionArn, newLive(record, stored.status === 'RUNNING' ? (opts.store!.journals.get(record.executionArn) ?? []) : undefined));
    }
  }

  /**
   * Runs again every execution that was RUNNING when the store was last written, with its own
   * name and input: the task calls it had finished are answered from its journal (their
   * handlers are not called again), so it continues at the call that was in flight or next due.
   * Call once the functions' dependencies are up.
   */
  resume(): number {
    let n = 0;
    for (const live of this.executions.values()) {
      if (live.record.status !== 'RUNNING' || live.done !== RESUMABLE) continue;
      const m = this.machines.get(live.record.stateMachineArn);
      if (!m) {
        this.finish(live, { status: 'FAILED', error: 'States.Runtime', cause: `state machine ${live.record.stateMachineArn} no longer exists locally` });
        continue;
      }
      // The replay walks the states again: transitions and history are counted afresh.
      Object.assign(live.record, { transitions: 0, historyEvents: 0 });
      live.done = this.opts.clock.track(() => this.run(m, live, JSON.parse(live.record.input) as unknown));
      n++;
    }
    return n;
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
        // The optimized Lambda integration: the function is named (by name or ARN) in the
        // Parameters, usually built from the input; the functions the definition mentions are
        // the ones it may call.
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
    // The API's own length constraint on `input`, checked before anything else, as the service
    // validates its request: https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
    if (Buffer.byteLength(inputText, 'utf8') > this.limits.payloadBytes) {
      throw new SfnApiError('ValidationException', `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${this.limits.payloadBytes}`);
    }
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
    const record: ExecutionRecord = { executionArn, stateMachineArn: m.arn, name, status: 'RUNNING', startDate: this.opts.clock.now(), input: inputText, transitions: 0, taskInvocations: 0, historyEvents: 0 };
    const live = newLive(record);
    this.executions.set(executionArn, live);
    // On disk before the caller hears of it: a started execution survives a restart.
    this.opts.store?.saveExecution(toStored(record));
    live.done = this.opts.clock.track(() => this.run(m, live, input));
    return { executionArn, startDate: record.startDate };
  }

  stopExecution(args: { executionArn: string; error?: string; cause?: string }): { stopDate: Date } {
    const live = this.executions.get(args.executionArn);
    if (!live) throw new SfnApiError('ExecutionDoesNotExist', `no execution ${args.executionArn}`);
    if (live.record.status === 'RUNNING') {
      live.stopped = true;
      live.wake?.cancel();
      Object.assign(live.record, { status: 'ABORTED', stopDate: this.opts.clock.now(), error: args.error, cause: args.cause });
      this.opts.store?.saveExecution(toStored(live.record));
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

  /** Executions whose interpreter run is in memory now (a hibernated one has none until its Wait is due). */
  get interpreterRuns(): number {
    return this.interpreting;
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
    this.interpreting++;
    try {
      await this.interpret(m, live, input);
    } finally {
      this.interpreting--;
    }
  }

  private async interpret(m: Machine, live: LiveExecution, input: unknown): Promise<void> {
    const { record } = live;
    const taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const session: RunSession = { abort: () => undefined, active: 0 };
    for (const [stateName, task] of m.tasks) {
      const call: (input: unknown) => Promise<unknown> =
        'folder' in task
          ? (i) => this.invoke(live, task.folder, stateName, i)
          : 'invokeByArn' in task
            ? (i) => this.invokeByArn(live, task.invokeByArn, stateName, i)
            : (i) => this.wait(live, session, task.wait, stateName, i);
      taskResourceLocalHandlers[stateName] = (i) => this.callTask(live, session, stateName, 'wait' in task, m.retriers.get(stateName), call, i);
    }
    const execution = m.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never, retryIntervalOverrides: m.retryOverrides },
      context: {
        Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate.toISOString(), RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/recoup-local` },
        StateMachine: { Id: m.arn, Name: m.name },
      } as never,
    });
    session.abort = execution.abort;
    const watching = (async () => {
      for await (const e of execution.eventLogs) this.observe(m, live, session, e as unknown as LibraryEvent);
    })();
    let outcome: { output: unknown } | { error: unknown };
    try {
      outcome = { output: await execution.result };
    } catch (error) {
      outcome = { error };
    }
    await watching;
    if (live.stopped) return;
    if (session.sleepsUntil !== undefined) {
      live.wake = this.opts.clock.wakeAt(new Date(session.sleepsUntil), () => this.replay(m, live));
      return;
    }
    if ('output' in outcome) {
      Object.assign(record, { status: 'SUCCEEDED', output: JSON.stringify(outcome.output ?? null), stopDate: this.opts.clock.now() });
      this.opts.store?.saveExecution(toStored(record));
    } else {
      const e = outcome.error;
      const cause = (e as { cause?: { name?: string; message?: string } }).cause ?? (e as Error);
      this.finish(live, { status: 'FAILED', error: cause.name ?? 'Error', cause: cause.message ?? String(e) });
    }
  }

  /**
   * Reads the execution's events as the service would write its history: counts transitions
   * and history events, and checks every state's input and output (and what a Map gathers from
   * its iterations) against the payload quota. A breach ends the execution: nothing more runs
   * in it (the next task call sees it stopped).
   */
  private observe(m: Machine, live: LiveExecution, session: RunSession, e: LibraryEvent): void {
    // What the interpreter reports after a hibernation ended its run is the replay's to count.
    if (session.sleepsUntil !== undefined) return;
    if (e.type === 'StateEntered' || e.type === 'StateRetried') live.record.transitions++;
    if (live.stopped) {
      if (e.type === 'ExecutionFailed' || e.type === 'ExecutionAborted') live.record.historyEvents++;
      return;
    }
    const isWait = e.state ? 'wait' in (m.tasks.get(e.state.name) ?? {}) : false;
    const terminal = e.type === 'ExecutionSucceeded';
    live.record.historyEvents += historyEventsOf(e, isWait);
    const limit = this.limits.payloadBytes;
    if (!terminal && live.record.historyEvents > this.limits.historyEvents - 1) return this.finish(live, historyBreach(this.limits.historyEvents));
    if (e.type === 'StateEntered' && e.state) {
      if (e.state.type === 'Map') live.mapResultBytes.set(e.state.name, 2);
      const bytes = payloadBytes(e.state.input);
      if (bytes > limit) return this.finish(live, dataLimitBreach(e.state.name, 'input', bytes, limit));
    } else if (e.type === 'StateExited' && e.state) {
      const bytes = payloadBytes(e.state.output);
      if (bytes > limit) return this.finish(live, dataLimitBreach(e.state.name, 'result', bytes, limit));
    } else if (e.type === 'MapIterationSucceeded' && e.parentState) {
      // The Map's result is the array of every iteration's output, whatever its ResultPath keeps.
      const bytes = (live.mapResultBytes.get(e.parentState.name) ?? 2) + payloadBytes(e.output) + 1;
      live.mapResultBytes.set(e.parentState.name, bytes);
      if (bytes > limit) return this.finish(live, dataLimitBreach(e.parentState.name, 'result', bytes, limit));
    }
  }

  /** Ends a running execution as the service does when it fails or times out, and keeps the record. */
  private finish(live: LiveExecution, end: LimitBreach): void {
    if (live.stopped) return;
    live.stopped = true;
    Object.assign(live.record, { status: end.status, error: end.error, cause: end.cause, stopDate: this.opts.clock.now() });
    this.opts.store?.saveExecution(toStored(live.record));
    this.opts.onFailure?.({ ...live.record });
  }

  /**
   * One call of a local task (a handler, or a Wait on the virtual clock). In order: let the
   * event watcher catch up (a breach it found stops the execution before the next call); answer
   * from the journal when a restart replays a call that had finished; else wait out a pending
   * retry interval, check the quotas (payload, one year), run it, and journal the outcome.
   * Retry intervals run on the virtual clock: the library retries at once, and the call waits
   * out the interval Step Functions would (see retryDelay) first.
   */
  private async callTask(live: LiveExecution, session: RunSession, stateName: string, isWait: boolean, rules: Retrier[] | undefined, call: (input: unknown) => Promise<unknown>, input: unknown): Promise<unknown> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (live.stopped) throw new ExecutionStoppedError(`execution ${live.record.name} was stopped`);
    if (session.sleepsUntil !== undefined) throw new ExecutionHibernatedError(`execution ${live.record.name} sleeps`);
    session.active++;
    try {
      return await this.runCall(live, stateName, isWait, rules, call, input);
    } finally {
      session.active--;
    }
  }

  private async runCall(live: LiveExecution, stateName: string, isWait: boolean, rules: Retrier[] | undefined, call: (input: unknown) => Promise<unknown>, input: unknown): Promise<unknown> {
    const retryKey = `${stateName}\u0000${JSON.stringify(input)}`;
    const retry = live.retries.get(retryKey);
    const n = live.calls++;
    const journaled = live.journal.get(n);
    if (journaled && journaled.state !== stateName) {
      this.opts.log?.(`execution ${live.record.name}: call ${n} is ${stateName}, its journal says ${journaled.state}; running the rest live`);
      live.journal.clear();
    }
    const replayed = live.journal.get(n);
    if (replayed) live.journal.delete(n);
    else {
      if (retry?.dueAt !== undefined) await this.parkWithin(live, retry.dueAt);
      if (this.opts.clock.now().getTime() >= this.deadline(live)) return this.timedOut(live);
      if (!isWait) {
        const bytes = payloadBytes(input);
        if (bytes > this.limits.payloadBytes) {
          this.finish(live, dataLimitBreach(stateName, 'input', bytes, this.limits.payloadBytes));
          throw new ExecutionStoppedError(`execution ${live.record.name}: ${live.record.cause}`);
        }
      }
    }
    try {
      let out: unknown;
      if (replayed) {
        if (replayed.err) throw Object.assign(new Error(replayed.err.message), { name: replayed.err.name });
        out = isWait ? input : replayed.out;
      } else {
        out = await call(input);
        if (!isWait) {
          const bytes = payloadBytes(out);
          if (bytes > this.limits.payloadBytes) {
            this.finish(live, dataLimitBreach(stateName, 'result', bytes, this.limits.payloadBytes));
            throw new ExecutionStoppedError(`execution ${live.record.name}: ${live.record.cause}`);
          }
        }
        const entry: JournalEntry = { n, state: stateName, at: this.opts.clock.now().toISOString(), ...(isWait ? {} : { out }) };
        live.finished.push(entry);
        this.opts.store?.appendJournal(live.record.executionArn, entry);
      }
      live.retries.delete(retryKey);
      return out;
    } catch (e) {
      const err = e as Error;
      if (!replayed && !(e instanceof ExecutionStoppedError)) {
        const entry: JournalEntry = { n, state: stateName, at: this.opts.clock.now().toISOString(), err: { name: err.name, message: err.message } };
        live.finished.push(entry);
        this.opts.store?.appendJournal(live.record.executionArn, entry);
      }
      const at = replayed ? Date.parse(replayed.at) : this.opts.clock.now().getTime();
      const tries = retry?.tries ?? [];
      const next = live.stopped || !rules ? undefined : retryDelay(rules, err.name, tries);
      if (next) {
        tries[next.rule] = (tries[next.rule] ?? 0) + 1;
        const seed = `${live.record.executionArn}\u0000${retryKey}\u0000${tries.join(',')}`;
        live.retries.set(retryKey, { tries, dueAt: at + jittered(rules![next.rule]!, next.ms, seed) });
      } else live.retries.delete(retryKey);
      throw e;
    }
  }

  /** When the execution runs out of its year. */
  private deadline(live: LiveExecution): number {
    return live.record.startDate.getTime() + this.limits.executionMs;
  }

  /** Parks until `at`, or until the execution's year is up: then it times out. */
  private async parkWithin(live: LiveExecution, at: number): Promise<void> {
    const deadline = this.deadline(live);
    await this.opts.clock.park(new Date(Math.min(at, deadline)));
    if (at >= deadline && !live.stopped) this.timedOut(live);
    if (live.stopped) throw new ExecutionStoppedError(`execution ${live.record.name} was stopped`);
  }

  private timedOut(live: LiveExecution): never {
    this.finish(live, timeoutBreach());
    throw new ExecutionStoppedError(`execution ${live.record.name} timed out`);
  }

  private async invoke(live: LiveExecution, folder: string, stateName: string, input: unknown): Promise<unknown> {
    if (live.stopped) throw new ExecutionStoppedError(`execution ${live.record.name} was stopped`);
    const limit = this.opts.lambdaConcurrency ?? Number.POSITIVE_INFINITY;
    if (this.inFlight >= limit) {
      // As Lambda refuses an invocation beyond the account's concurrency; the Task's Retry
      // (Lambda.TooManyRequestsException, backoff with jitter) tries again.
      throw Object.assign(new Error(`Rate Exceeded. (concurrent executions at the account's limit of ${limit}: ConcurrentInvocationLimitExceeded)`), { name: 'Lambda.TooManyRequestsException' });
    }
    this.inFlight++;
    try {
      return await this.invokeHandler(live, folder, stateName, input);
    } finally {
      this.inFlight--;
    }
  }

  private async invokeHandler(live: LiveExecution, folder: string, stateName: string, input: unknown): Promise<unknown> {
    live.record.taskInvocations++;
    let handler = this.handlers.get(folder);
    if (!handler) this.handlers.set(folder, (handler = this.loadHandler(folder)));
    // A JSON round trip, as the Lambda payload would be.
    const event = JSON.parse(JSON.stringify(input ?? null)) as unknown;
    const out = await (await handler)(event, localLambdaContext(folder, 60_000, `local-${stateName}`));
    return out === undefined ? null : (JSON.parse(JSON.stringify(out)) as unknown);
  }

  /** `lambda:invoke`: `{ FunctionName, Payload }` in (a function's name or ARN), `{ Payload, StatusCode }` out, as the integration answers. */
  private async invokeByArn(live: LiveExecution, arns: Map<string, string>, stateName: string, input: unknown): Promise<unknown> {
    const { FunctionName, Payload } = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
    const folder = typeof FunctionName === 'string' ? arns.get(FunctionName) : undefined;
    if (!folder) {
      // As Lambda answers an unknown function (or one the machine's role may not invoke).
      throw Object.assign(new Error(`state "${stateName}": function ${String(FunctionName)} is not one this state machine names; known: ${[...arns.keys()].join(', ')}`), { name: 'Lambda.ResourceNotFoundException' });
    }
    return { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: await this.invoke(live, folder, stateName, Payload) };
  }

  private async wait(live: LiveExecution, session: RunSession, state: AslState, stateName: string, input: unknown): Promise<unknown> {
    if (live.stopped) throw new ExecutionStoppedError(`execution ${live.record.name} was stopped`);
    const now = this.opts.clock.now().getTime();
    let until: number;
    if (state.Seconds !== undefined) until = now + state.Seconds * 1000;
    else if (state.SecondsPath) until = now + Number(readPath(input, state.SecondsPath, stateName)) * 1000;
    else if (state.Timestamp) until = Date.parse(state.Timestamp);
    else until = Date.parse(String(readPath(input, state.TimestampPath!, stateName)));
    if (Number.isNaN(until)) throw Object.assign(new Error(`Wait state "${stateName}": no valid timestamp at ${state.TimestampPath}`), { name: 'States.Runtime' });
    const wakeAt = Math.min(until, this.deadline(live));
    if (wakeAt > now && session.active === 1) this.hibernate(session, live, wakeAt);
    await this.parkWithin(live, until);
    return input;
  }

  /**
   * An execution whose only call is a Wait not yet due leaves memory until then, as a parked
   * one costs the service nothing: its interpreter run (tens of KiB of states, promises and
   * timers) is ended and the clock keeps a timer that replays it when the Wait is due, the
   * calls it finished answered from `finished` (as a restart answers them from the journal on
   * disk), so nothing runs twice. A cohort of a hundred thousand cases in their breathing space
   * then holds its records, not a hundred thousand interpreters.
   */
  private hibernate(session: RunSession, live: LiveExecution, until: number): never {
    session.sleepsUntil = until;
    session.abort();
    throw new ExecutionHibernatedError(`execution ${live.record.name} sleeps until ${new Date(until).toISOString()}`);
  }

  /** Runs a hibernated execution again from its start, answering the calls it finished from memory. */
  private async replay(m: Machine, live: LiveExecution): Promise<void> {
    live.wake = undefined;
    if (live.stopped || live.record.status !== 'RUNNING') return;
    live.journal = new Map(live.finished.map((j) => [j.n, j]));
    Object.assign(live, { calls: 0, retries: new Map(), mapResultBytes: new Map() });
    // The replay walks the states again: transitions and history are counted afresh.
    Object.assign(live.record, { transitions: 0, historyEvents: 0 });
    await this.run(m, live, JSON.parse(live.record.input) as unknown);
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

/** What the watcher reads of aws-local-stepfunctions' events. */
interface LibraryEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string; type: string };
  output?: unknown;
}

/**
 * One run of the interpreter over an execution (its start, a resume, or a replay after a
 * hibernation). A hibernated run's calls that still arrive (the interpreter winds down its
 * queued Map items) are refused by the run they belong to, never taken for the next one's.
 */
interface RunSession {
  abort: () => void;
  /** Task calls (Waits included) of this run under way now. */
  active: number;
  /** Set when it hibernates: the virtual time its Wait is due. */
  sleepsUntil?: number;
}

/** `done` of an execution restored from disk and not yet resumed. */
const RESUMABLE: Promise<void> = Promise.resolve();

function newLive(record: ExecutionRecord, journal?: JournalEntry[]): LiveExecution {
  return {
    record,
    stopped: false,
    done: journal ? RESUMABLE : Promise.resolve(),
    retries: new Map(),
    mapResultBytes: new Map(),
    calls: 0,
    journal: new Map((journal ?? []).map((j) => [j.n, j])),
    finished: [...(journal ?? [])],
  };
}

function toStored(r: ExecutionRecord): StoredExecution {
  return { ...r, startDate: r.startDate.toISOString(), stopDate: r.stopDate?.toISOString() };
}

function fromStored(r: StoredExecution): ExecutionRecord {
  return { historyEvents: 0, ...r, status: r.status as ExecutionStatus, startDate: new Date(r.startDate), stopDate: r.stopDate ? new Date(r.stopDate) : undefined };
}
