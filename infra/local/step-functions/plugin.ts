import { resetConfig } from '../../../shared/adapters/config';
import { fileURLToPath } from 'node:url';
import type { LocalPlugin } from '../plugins';
import { localQuotaSettings } from '../provider-quotas';
import { close, listen } from '../stand-ins';
import { LOCAL_STATE_MACHINE_ARN_PREFIX, loadDefinitions } from './definitions';
import { LocalStepFunctions } from './engine';
import { ExecutionStore } from './execution-store';
import { createSfnServer } from './server';

/** Fixed port for the local Step Functions endpoint; free port when unset (tests run many stacks). */
export const SFN_PORT_ENV = 'RECOUP_SFN_PORT';

export const STATE_MACHINES_DIR = fileURLToPath(new URL('../../../state-machines/', import.meta.url));

let current: LocalStepFunctions | undefined;

/** The engine of the running local stack (the benchmark reads transition counts from it). */
export function localStepFunctions(): LocalStepFunctions {
  if (!current) throw new Error('the local Step Functions engine is not running; start the local stack first');
  return current;
}

/**
 * Step Functions locally: every `state-machines/*.asl.json`, built once, served on an
 * SFN-compatible endpoint that the real SDK client reaches through AWS_ENDPOINT_URL_SFN.
 */
export const stepFunctionsPlugin: LocalPlugin = {
  name: 'step-functions',
  async start(ctx) {
    const definitions = loadDefinitions(STATE_MACHINES_DIR);
    // Executions and their finished task calls live under the data folder: a restart resumes them.
    const store = new ExecutionStore(ctx.dataDir);
    const engine = new LocalStepFunctions({
      clock: ctx.clock,
      definitions,
      lambdaConcurrency: localQuotaSettings().LAMBDA_CONCURRENCY,
      store,
      // Each task's function from its own bundle, with its own environment.
      loadHandler: (folder) => ctx.functions.handler(folder),
      onFailure: (r) => ctx.log(`execution ${r.name} ${r.status === 'TIMED_OUT' ? 'timed out' : 'failed'}: ${r.error}: ${r.cause}`),
      log: ctx.log,
    });
    current = engine;
    const server = createSfnServer(engine);
    const port = Number(process.env[SFN_PORT_ENV] || 0);
    const url = `http://127.0.0.1:${await listen(server, port, 'Step Functions')}`;
    ctx.endpoints.AWS_ENDPOINT_URL_SFN = url;
    ctx.sources.stateMachineArnPrefix = LOCAL_STATE_MACHINE_ARN_PREFIX;
    // For scripts and tests in this process that call the endpoint themselves.
    process.env.AWS_ENDPOINT_URL_SFN = url;
    process.env.STATE_MACHINE_ARN_PREFIX = LOCAL_STATE_MACHINE_ARN_PREFIX;
    resetConfig();
    ctx.log(`Step Functions (aws-local-stepfunctions) on ${url}`);

    ctx.addRoute('GET /local/step-functions/executions', async (_body, u) => {
      const status = u.searchParams.get('status');
      const name = u.searchParams.get('name');
      const items = engine.allExecutions().filter((e) => (!status || e.status === status) && (!name || e.name.includes(name)));
      // `?count`: how many by status, and how many interpreters are in memory (a big run's executions would be a huge answer).
      if (u.searchParams.has('count')) {
        const byStatus: Record<string, number> = {};
        for (const e of items) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
        return { status: 200, body: { count: items.length, byStatus, interpreterRuns: engine.interpreterRuns } };
      }
      return { status: 200, body: { items } };
    });

    return {
      // Once every stand-in is up: the executions that were running when the stack last stopped go on.
      ready: () => {
        const resumed = engine.resume();
        if (resumed) ctx.log(`resumed ${resumed} running execution(s) where they were`);
      },
      stop: async () => {
        if (current === engine) current = undefined;
        await close(server);
        store.close();
      },
    };
  },
};
