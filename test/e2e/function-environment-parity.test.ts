import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStack, logicalId } from '../infra/synth-support';
import { FUNCTION_CATALOG, type FunctionNeeds } from '../../infra/function-catalog';
import { loadFunctionModule } from '../../infra/local/function-bundles';
import { isLocalOnly, LAMBDA_RUNTIME, SETTINGS } from '../../infra/local/local-function-environment';
import { LOCAL_STATE_MACHINE_ARN_PREFIX } from '../../infra/local/step-functions/definitions';
import { ADMIN_TOKEN_SECRET_NAME, CURSOR_SECRET_NAME, LOCAL_SES_CONFIGURATION_SET, START_QUEUE_NAME } from '../../infra/local/stack';
import { localQueueUrl } from '../../infra/local/sqs/server';
import { DOCUMENTS_BUCKET } from '../../infra/local/ports';
import { DROP_BUCKET, LOCAL_USER_POOL_ID, TABLE_NAME } from '../../infra/local/ports';
import { startTestStack } from '../support/local-stack';

const { stack: app, template } = buildStack({ onMissingFunction: 'skip' });
const lambdas = template.findResources('AWS::Lambda::Function');
let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const settingNames = new Set<string>(SETTINGS);
/** What the stack sets only where it has the resource: the dashboard's console URL (there is no dashboard locally). */
const AWS_ONLY = new Set(['DASHBOARD_URL']);

/** What a value of the synthesised template is locally: each resource and parameter its local stand-in's name or URL. */
function localValueOf(value: unknown, outbox: string): unknown {
  if (typeof value === 'string') return value;
  const ref = (value as { Ref?: string }).Ref;
  const resources: Record<string, unknown> = {
    [logicalId(app.storage.table, app)]: TABLE_NAME,
    [logicalId(app.storage.dropBucket, app)]: DROP_BUCKET,
    [logicalId(app.storage.documentsBucket, app)]: DOCUMENTS_BUCKET,
    [logicalId(app.imports.startQueue, app)]: localQueueUrl(stack.urls.sqs, START_QUEUE_NAME),
    [logicalId(app.auth.userPool, app)]: LOCAL_USER_POOL_ID,
    // A secret's local ARN ends in its name and a random suffix, as Secrets Manager's do.
    [logicalId(app.api.adminToken, app)]: expect.stringMatching(new RegExp(`:secret:${ADMIN_TOKEN_SECRET_NAME}-\\w{6}$`)),
    [logicalId(app.api.cursorSecret, app)]: expect.stringMatching(new RegExp(`:secret:${CURSOR_SECRET_NAME}-\\w{6}$`)),
    [logicalId(app.providerSecrets.printService!, app)]: expect.stringMatching(/:secret:recoup-print-service-api-key-\w{6}$/),
    [logicalId(app.providerSecrets.skipTrace!, app)]: expect.stringMatching(/:secret:recoup-skip-trace-api-key-\w{6}$/),
    ConnectInstanceId: 'local-instance',
    ConnectContactFlowId: 'local-text-to-speech-flow',
    ConnectCallCentreFlowId: 'local-call-centre-flow',
    ConnectSourcePhone: '+15550100000',
    PrintServiceUrl: `${outbox}/print`,
    SkipTraceUrl: `${outbox}/skip-trace`,
  };
  if (ref && resources[ref]) return resources[ref];
  if (ref && template.findResources('AWS::SES::ConfigurationSet')[ref]) return LOCAL_SES_CONFIGURATION_SET;
  // The state machines' ARN prefix: arn:<partition>:states:<region>:<account>:stateMachine:<prefix>.
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join && JSON.stringify(join).includes(':stateMachine:')) return LOCAL_STATE_MACHINE_ARN_PREFIX;
  return { unmapped: value };
}

describe("each function's environment locally is the one the stack gives it on AWS", () => {
  it('same variables, each naming the local stand-in of the same resource, for every function', async () => {
    // Any function loads the outbox URL into its sources; the print URL shows where it is.
    const outbox = stack.environmentOf('send-letter').PRINT_SERVICE_URL!.replace(/\/print$/, '');
    expect(app.functions.all.length).toBeGreaterThan(10);
    for (const f of app.functions.all) {
      const onAws = lambdas[logicalId(f.fn, app)]!.Properties.Environment.Variables as Record<string, unknown>;
      const local = Object.fromEntries(Object.entries(stack.environmentOf(f.functionName)).filter(([k]) => !isLocalOnly(k) && !LAMBDA_RUNTIME.has(k) && !settingNames.has(k)));
      const expected = Object.fromEntries(Object.entries(onAws).filter(([k]) => !AWS_ONLY.has(k)).map(([k, v]) => [k, localValueOf(v, outbox)]));
      expect({ fn: f.functionName, env: local }).toEqual({ fn: f.functionName, env: expected });
    }
  });

  it('the local extras are endpoints, credentials, region and connection settings only', () => {
    for (const f of app.functions.all) {
      const extras = Object.keys(stack.environmentOf(f.functionName)).filter((k) => !(k in (lambdas[logicalId(f.fn, app)]!.Properties.Environment.Variables as object)));
      expect({ fn: f.functionName, extras: extras.filter((k) => !isLocalOnly(k) && !LAMBDA_RUNTIME.has(k) && !settingNames.has(k)) }).toEqual({ fn: f.functionName, extras: [] });
      expect(extras.filter((k) => k.startsWith('AWS_ENDPOINT_URL_')).length).toBeGreaterThan(5);
    }
  });
});

describe('a function the catalog does not grant the start queue cannot start a workflow locally', () => {
  const probe = (name: string, needs: FunctionNeeds) => {
    const env = stack.environmentOf(name, needs);
    return loadFunctionModule('test/support/start-queue-probe.ts', `parity-${name}-${Object.keys(env).length}`, env);
  };
  const message = { caseId: 'cs_parity', kind: 'main-outreach' as const, seq: 1 };

  it('with startQueue in its entry the start reaches the queue; without it the start fails as on AWS', async () => {
    const granted = FUNCTION_CATALOG['send-email'];
    const sentBefore = (await stack.api.get('/local/start-queue')).body.sent as number;
    await expect((await probe('send-email', granted)).handler({ messages: [message] }, {})).resolves.toBe('queued');
    expect((await stack.api.get('/local/start-queue')).body.sent).toBe(sentBefore + 1);

    const { startQueue: _dropped, ...withoutQueue } = granted;
    await expect((await probe('send-email', withoutQueue)).handler({ messages: [message] }, {})).rejects.toThrow(/START_QUEUE_URL is not set/);
    expect((await stack.api.get('/local/start-queue')).body.sent).toBe(sentBefore + 1);
  });
});
