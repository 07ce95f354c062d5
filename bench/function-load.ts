/**
 * How long a local function takes to be ready on its first invocation (its cold start): the
 * esbuild bundle built (first run after a source change) or read from the cache, then imported
 * with its own environment. Run: `npm run bench:function-load`. Prints figures; asserts nothing.
 */
import '../infra/local/polyfills';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { functionFolders, PROJECT_ROOT } from '../infra/function-catalog';

const mode = process.argv[2];
if (mode === 'child') {
  const { loadFunctionModule, handlerEntry, bundleOf } = await import('../infra/local/function-bundles');
  const { localFunctionEnvironment } = await import('../infra/local/local-function-environment');
  const url = 'http://127.0.0.1:9';
  const sources = { tableName: 'recoup', dropBucketName: 'recoup-drop', documentsBucketName: 'recoup-letters', adminTokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:x', cursorSecretArn: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:c', printServiceSecretArn: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:p', skipTraceSecretArn: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:s', userPoolId: 'eu-west-1_x', startQueueUrl: `${url}/000000000000/recoup-start`, stateMachineArnPrefix: 'arn:aws:states:eu-west-1:000000000000:stateMachine:recoup-', sesConfigurationSet: 'recoup-mail', connect: { instanceId: 'i', contactFlowId: 'f', callCentreFlowId: 'c', sourcePhone: '+15550100000' }, printServiceUrl: url, skipTraceUrl: url };
  const base = { region: 'eu-west-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, endpoints: {} };
  const out: Record<string, { bundleMs: number; importMs: number }> = {};
  for (const folder of functionFolders()) {
    const t0 = performance.now();
    await bundleOf(handlerEntry(folder));
    const t1 = performance.now();
    await loadFunctionModule(handlerEntry(folder), `bench/${folder}`, localFunctionEnvironment(folder, sources, base));
    out[folder] = { bundleMs: t1 - t0, importMs: performance.now() - t1 };
  }
  console.log(JSON.stringify(out));
} else {
  const run = () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/function-load.ts', 'child'], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, RECOUP_BUNDLE_CACHE_DIR: cache } });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, { bundleMs: number; importMs: number }>;
  };
  // An empty cache of its own (inside the project, so the bundles' packages resolve): builds are
  // measured without touching the one the stack uses.
  mkdirSync(join(PROJECT_ROOT, 'node_modules', '.cache'), { recursive: true });
  const cache = mkdtempSync(join(PROJECT_ROOT, 'node_modules', '.cache', 'recoup-bench-bundles-'));
  const cold = run();
  const warm = run();
  rmSync(cache, { recursive: true, force: true });
  const ms = (n: number) => `${n.toFixed(0).padStart(5)} ms`;
  console.log('function                 build+import (empty cache)   import (cached bundle)');
  for (const f of Object.keys(cold)) console.log(`${f.padEnd(24)} ${ms(cold[f]!.bundleMs)} + ${ms(cold[f]!.importMs)}        ${ms(warm[f]!.bundleMs + warm[f]!.importMs)}`);
  const sum = (o: typeof cold) => Object.values(o).reduce((n, x) => n + x.bundleMs + x.importMs, 0);
  console.log(`all ${Object.keys(cold).length} functions, in order in one process: ${ms(sum(cold))} with builds, ${ms(sum(warm))} from the cache (the first import also loads the shared packages)`);
}
