import { build } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_DOCS } from '../../infra/api-docs';
import { API_ROUTES } from '../../infra/api-routes';
import { FUNCTION_CATALOG, functionFolders, PROJECT_ROOT, type FunctionNeeds } from '../../infra/function-catalog';

/**
 * Reads what each handler really uses (esbuild's module graph, AWS SDK left external) and
 * checks the catalog grants it, and grants nothing it does not use. A function that starts
 * using a new client or adapter fails here until its catalog entry says so.
 */
type Capability = Exclude<keyof FunctionNeeds, 'trigger' | 'description' | 'schedule' | 'memoryMb' | 'timeoutSeconds'>;

const SDK_CAPABILITY: Record<string, Capability | 'bucket' | 'secret'> = {
  '@aws-sdk/client-dynamodb': 'table',
  '@aws-sdk/lib-dynamodb': 'table',
  '@aws-sdk/client-s3': 'bucket',
  '@aws-sdk/s3-request-presigner': 'bucket',
  '@aws-sdk/client-sqs': 'startQueue',
  '@aws-sdk/client-sfn': 'stateMachines',
  '@aws-sdk/client-sesv2': 'ses',
  '@aws-sdk/client-ses': 'ses',
  '@aws-sdk/client-sns': 'snsSms',
  '@aws-sdk/client-connect': 'connect',
  // Which secret is decided by the adapter that reads it (ADAPTER_CAPABILITY).
  '@aws-sdk/client-secrets-manager': 'secret',
  '@aws-sdk/client-lambda': 'invokesItself',
  '@aws-sdk/client-cognito-identity-provider': 'userPool',
};
/** Adapters that decide which bucket, or need a setting rather than an SDK client. */
const ADAPTER_CAPABILITY: Record<string, Capability> = {
  'shared/adapters/drop-bucket.ts': 'dropBucket',
  'shared/adapters/admin-token.ts': 'adminToken',
  'shared/adapters/channels/letters.ts': 'documentsBucket',
  'shared/adapters/channels/letter-links.ts': 'documentsBucket',
  'shared/adapters/channels/print-service.ts': 'printService',
  'shared/adapters/channels/skip-trace.ts': 'skipTrace',
  'shared/adapters/dashboard-link.ts': 'dashboard',
};
/**
 * Bundled but never run by that function, with why; the catalog rightly leaves these out.
 * Workflow tasks share shared/workflow/, whose deliver() reaches every channel and whose
 * phase changes can start and stop workflows: which of it runs depends on the event type
 * a handler raises, which a module graph cannot see.
 */
const CHANNELS: Capability[] = ['ses', 'snsSms', 'connect', 'documentsBucket', 'printService'];
function channelStep(own: Capability[]): Partial<Record<Capability, string>> {
  const why = 'deliver() dispatches on the node type, so only its own channel runs';
  // A step's phase events are step_done and, on a run's last step, the run's end: that end may
  // queue the next run (so the start queue is granted), but it ends the step's own run, which
  // is never stopped (a stop is for a run the case has left), and nothing of it enriches.
  const ownRun = 'its events concern its own run, which ends by itself and is never stopped from inside';
  return {
    ...Object.fromEntries(CHANNELS.filter((c) => !own.includes(c)).map((c) => [c, why])),
    stateMachines: ownRun,
    skipTrace: 'a step never enriches',
  };
}
const BUNDLED_NOT_USED: Record<string, Partial<Record<Capability, string>>> = {
  'api-health': {
    table: "GET /health is public; apiHandler bundles the caller's user lookup but never runs it for this route",
  },
  'api-docs': {
    adminToken: 'GET /openapi.json and GET /docs are public; apiHandler bundles the token check but never runs it for these routes',
    table: 'GET /openapi.json and GET /docs are public; apiHandler bundles the API-key lookup but never runs it for these routes',
  },
  'start-workflow': Object.fromEntries(
    [...CHANNELS, 'startQueue', 'skipTrace'].map((c) => [c, "computes the run's schedule (reads the case, records initial progress, registers enrichment); raises no phase event, so it sends, queues and looks up nothing"]),
  ),
  'send-email': channelStep(['ses']),
  'send-sms': channelStep(['snsSms']),
  'voice-call': channelStep(['connect']),
  'call-centre': channelStep(['connect']),
  'send-letter': channelStep(['documentsBucket', 'printService']),
  'create-ticket': channelStep([]),
  'record-step-failure': channelStep([]),
  'workflow-end': { connect: 'carries only nodes done in one invocation (email, SMS, letter, ticket); calls stay in the next run', skipTrace: 'ending a run never enriches' },
  'plan-check': { skipTrace: 'a due check never enriches' },
  'api-case-actions': { skipTrace: 'case actions never enrich' },
  'enrichment-sweep': Object.fromEntries(CHANNELS.map((c) => [c, 'an enriched event stops the run and queues the retry workflow; it sends nothing itself'])),
};

/** A function that answers a paginated route (its documented query takes a `cursor`) signs and checks cursors. */
function servesListRoute(name: string): boolean {
  return API_ROUTES.some((r) => r.fn === name && Boolean((API_DOCS[r.route].query as { shape?: Record<string, unknown> } | undefined)?.shape?.cursor));
}

async function usedCapabilities(name: string): Promise<Set<Capability>> {
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, 'functions', name, 'handler.ts')],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const used = new Set<Capability>();
  const unknown: string[] = [];
  let bucket = false;
  let secret = false;
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/'))) {
      const cap = SDK_CAPABILITY[imp.path];
      if (cap === 'bucket') bucket = true;
      else if (cap === 'secret') secret = true;
      else if (cap) used.add(cap);
      else unknown.push(imp.path);
    }
  }
  for (const input of Object.keys(result.metafile.inputs)) {
    const cap = ADAPTER_CAPABILITY[input];
    if (cap) used.add(cap);
  }
  if (unknown.length) throw new Error(`functions/${name} uses ${unknown.join(', ')}: teach test/infra/function-needs.test.ts and the catalog what to grant for it`);
  if (bucket && !used.has('dropBucket') && !used.has('documentsBucket')) throw new Error(`functions/${name} uses S3 outside drop-bucket.ts and channels/letters.ts or letter-links.ts: say which bucket in the catalog and here`);
  // cursor.ts (and the secret it reads) comes with every repository; what signs and checks cursors is a list route.
  if (servesListRoute(name)) used.add('cursorSecret');
  if (secret && !used.has('adminToken') && !Object.keys(result.metafile.inputs).includes('shared/adapters/cursor-secret.ts')) throw new Error(`functions/${name} reads Secrets Manager outside admin-token.ts and cursor-secret.ts: say which secret in the catalog and here`);
  return used;
}

describe('catalog entries match what the handlers use', () => {
  const catalog = FUNCTION_CATALOG as Record<string, FunctionNeeds>;
  for (const name of functionFolders()) {
    it(`functions/${name}`, async () => {
      const needs = catalog[name];
      expect(needs, `functions/${name} has no entry in infra/function-catalog.ts`).toBeDefined();
      const exempt = BUNDLED_NOT_USED[name] ?? {};
      const used = [...(await usedCapabilities(name))].filter((c) => !(c in exempt)).sort();
      const granted = (Object.keys(needs!) as (keyof FunctionNeeds)[])
        .filter((k): k is Capability => !['trigger', 'description', 'schedule', 'memoryMb', 'timeoutSeconds'].includes(k))
        .filter((k) => Boolean(needs![k]) && (!Array.isArray(needs![k]) || (needs![k] as unknown[]).length > 0))
        .sort();
      expect({ function: name, grants: granted }).toEqual({ function: name, grants: used });
    });
  }
});
