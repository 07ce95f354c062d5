import { loadDefinitions, LOCAL_STATE_MACHINE_ARN_PREFIX, type LoadedDefinition } from '../../infra/local/step-functions/definitions';
import { LocalStepFunctions, type LocalStepFunctionsOptions, type TaskHandler } from '../../infra/local/step-functions/engine';
import { STATE_MACHINES_DIR } from '../../infra/local/step-functions/plugin';
import { VirtualClock } from '../../infra/local/virtual-clock';
import { stepFunctionFolder } from '../../shared/domain/step-functions';

export const T0 = new Date('2026-01-05T09:00:00.000Z');
export const day = (n: number) => new Date(T0.getTime() + n * 86_400_000).toISOString();

/** Runs the machines on the local engine with stubbed tasks, on a virtual clock. */
export function harness(stubs: Record<string, (event: any) => unknown>, opts: Partial<LocalStepFunctionsOptions> & { definitions?: LoadedDefinition[] } = {}) {
  const clock = opts.clock ?? new VirtualClock(T0);
  const calls: { fn: string; at: string; event: any }[] = [];
  const loadHandler = async (folder: string): Promise<TaskHandler> => async (event) => {
    calls.push({ fn: folder, at: clock.now().toISOString(), event });
    const stub = stubs[folder];
    if (!stub) throw new Error(`no stub for ${folder}`);
    return stub(event);
  };
  const engine = new LocalStepFunctions({ definitions: loadDefinitions(STATE_MACHINES_DIR), loadHandler, ...opts, clock });
  const start = (kind: string, steps: object[], name = 'case1-run-1', input: object = { caseId: 'case1', kind, seq: 1, steps }) =>
    engine.startExecution({ stateMachineArn: `${LOCAL_STATE_MACHINE_ARN_PREFIX}${kind}`, name, input: JSON.stringify(input) }).executionArn;
  return { clock, calls, engine, start };
}

/** A step as the starter computes it: its function by short key (the folder). */
export const step = (at: string, index: number, type: string, extra: object = {}) => ({ at, index, node: { type, template: 't' }, fn: stepFunctionFolder(type), ...extra });
export const last = { last: true, continuation: null };
