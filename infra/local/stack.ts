import './polyfills';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import S3rver from 's3rver';
import { useClock } from '../../shared/adapters/clock';
import { createTableInput } from '../../shared/adapters/dynamo/table-definition';
import { createApiServer, type LocalRoute } from './api-server';
import { localRoutesForClock } from './clock-routes';
import { close, ensureBucket, holdIdleConnections, listen, rethrowPort } from './stand-ins';
import { startStandInThread, type RecordedRequest, type StandInThread } from './stand-in-thread';
import { s3Authentication } from './s3-authentication';
import { dropBucketCorsXml } from './drop-bucket-cors';
import { jwtAuthorizer } from '../../shared/auth/access-token';
import { ensureAgencyAdmin, localTokenRoute, sesInvitationMailer } from './auth/local-sign-in';
import { startLocalIssuer } from './auth/issuer';
import { consoleOrigin, DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD, DEFAULT_ADMIN_TOKEN, DEFAULT_PORTS, DOCUMENTS_BUCKET, DROP_BUCKET, LOCAL_ACCESS_KEY_ID, LOCAL_APP_CLIENT_ID, LOCAL_SECRET_ACCESS_KEY, LOCAL_USER_POOL_ID, TABLE_NAME, type Ports } from './ports';
import type { LocalContext, LocalPlugin } from './plugins';
import { VirtualClock } from './virtual-clock';
import { localCursorSecret } from './cursor-secret';
import { localQuotaSettings, PerSecondQuota } from './provider-quotas';
import { createSesQuotaProxy } from './ses-quota-proxy';
import { LOCAL_PLUGINS } from './plugin-list';
import { LocalQueue } from './sqs/local-queue';
import { createSqsServer, localQueueUrl } from './sqs/server';
import { createLambdaInvokeServer, LocalFunctionRegistry } from './lambda-invoke-server';
import type { EnvironmentSources } from '../function-environment';
import type { FunctionNeeds } from '../function-catalog';
import { localFunctionEnvironment } from './local-function-environment';
import { LocalFunctions } from './local-functions';
import { LocalSecretsManager } from './secrets-manager';

/** The start queue's name locally and its redrive policy (as infra/constructs/imports.ts sets it). */
export const START_QUEUE_NAME = 'recoup-start';
const START_QUEUE_MAX_RECEIVES = 5;
/** The SES configuration set the functions name locally (SES local accepts any). */
export const LOCAL_SES_CONFIGURATION_SET = 'recoup-mail';
/** Names of the local secrets (their ARNs end in the name and a random suffix, as Secrets Manager's do). */
export const ADMIN_TOKEN_SECRET_NAME = 'recoup-admin-token';
export const CURSOR_SECRET_NAME = 'recoup-cursor-secret';

/** The stand-ins' names and URLs, as the functions' environments take them; plugins fill in theirs. */
export type LocalSources = { -readonly [K in keyof EnvironmentSources]: EnvironmentSources[K] };

export interface LocalStackOptions {
  /** Where data lives; `.recoup/` by default. */
  dataDir: string;
  ports?: Partial<Ports>;
  adminToken?: string;
  /** The agency admin an empty data folder gets. @default admin@recoup.local / local-admin-password */
  admin?: { email?: string; password?: string };
  /** scrypt cost of the local user pool (see infra/local/auth/passwords.ts); tests lower it. */
  scryptN?: number;
  /** Start empty. */
  reset?: boolean;
  /** Keep DynamoDB in memory (tests); S3 still uses dataDir. */
  inMemory?: boolean;
  /** Virtual time to start at when none is saved. */
  startTime?: Date;
  log?: (message: string) => void;
  plugins?: LocalPlugin[];
  /**
   * The console's origin, the only one CORS, presigned uploads and sign-in redirects allow.
   * @default http://127.0.0.1:<RECOUP_CONSOLE_PORT or 3001>
   */
  consoleOrigin?: string;
}

export interface LocalStack {
  /** The functions, each with its own environment; `environmentOf` is what each one gets. */
  functions: LocalFunctions;
  /** The environment of `functions/<folder>/` (of a function with `needs`, when given, instead of its catalog entry's). */
  environmentOf(folder: string, needs?: FunctionNeeds): Record<string, string>;
  urls: { api: string; s3: string; dynamo: string; ses: string; auth: string; sqs: string; lambda: string };
  ports: Ports;
  adminToken: string;
  /** The agency admin's sign-in, and whether this start created it. */
  admin: { email: string; password: string; created: boolean };
  /** The OpenID Connect issuer and the console's app client id. */
  signIn: { issuer: string; discovery: string; clientId: string; consoleOrigin: string };
  clock: VirtualClock;
  dataDir: string;
  /** Starts keeping the DynamoDB requests of every function (see StandInThread.record). */
  recordTableRequests(): () => Promise<RecordedRequest[]>;
  stop(): Promise<void>;
}

/**
 * Starts Recoup on one machine: dynalite, s3rver, SES local and the API, with the real
 * handlers and the real AWS SDK pointed at them through the SDK's own endpoint variables.
 */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const log = opts.log ?? (() => undefined);
  const ports = { ...DEFAULT_PORTS, ...opts.ports };
  const adminToken = opts.adminToken ?? DEFAULT_ADMIN_TOKEN;
  if (opts.reset) rmSync(opts.dataDir, { recursive: true, force: true });
  mkdirSync(join(opts.dataDir, 's3'), { recursive: true });
  const cursorSecret = localCursorSecret(opts.dataDir);
  const consoleUrl = opts.consoleOrigin ?? consoleOrigin();
  const stops: (() => Promise<void>)[] = [];

  try {
    const dyn = await startStandInThread('dynalite', ports.dynamo, opts.inMemory ? { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 } : { path: join(opts.dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }).catch((e: Error) => rethrowPort(e, ports.dynamo, 'DynamoDB (dynalite)'));
    const dynamoPort = dyn.port;
    stops.push(() => dyn.stop());

    const s3 = new S3rver({ port: ports.s3, address: '127.0.0.1', directory: join(opts.dataDir, 's3'), silent: true, configureBuckets: [{ name: DROP_BUCKET, configs: [dropBucketCorsXml([consoleUrl])] }] });
    // Before s3rver's own middleware: S3's authentication (SigV4 header or presigned query, known key).
    s3.middleware.unshift(s3Authentication(new Map([[LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY]])));
    const s3Address = (await s3.run().catch((e: Error) => rethrowPort(e, ports.s3, 'S3 (s3rver)'))) as AddressInfo;
    if (s3.httpServer) holdIdleConnections(s3.httpServer);
    stops.push(() => s3.close());

    const clock = VirtualClock.restore(join(opts.dataDir, 'clock.json'), opts.startTime ?? new Date());
    useClock(clock);
    stops.push(async () => clock.close());
    const quotas = localQuotaSettings();

    // SES local on a port of its own; the SES port is its sending-rate quota in front of it.
    const ses = await startStandInThread('ses', 0);
    stops.push(() => ses.stop());
    const sesProxy = createSesQuotaProxy(ses.port, new PerSecondQuota(quotas.SES_MAX_SEND_RATE, clock));
    const sesPort = await listen(sesProxy, ports.ses, 'SES local');
    stops.push(() => close(sesProxy));

    // The start queue, kept under the data folder (messages survive a restart), on a local SQS endpoint.
    const startQueue = new LocalQueue({ name: START_QUEUE_NAME, dir: join(opts.dataDir, 'sqs'), visibilityTimeoutMs: 360_000, maxReceiveCount: START_QUEUE_MAX_RECEIVES });
    stops.push(async () => startQueue.close());
    const sqsServer = createSqsServer([startQueue]);
    const sqsPort = await listen(sqsServer, 0, 'SQS');
    stops.push(() => close(sqsServer));
    // Lambda's Invoke API for the functions that invoke others asynchronously (the import, itself).
    const lambdas = new LocalFunctionRegistry();
    const lambdaServer = createLambdaInvokeServer(lambdas);
    const lambdaPort = await listen(lambdaServer, 0, 'Lambda');
    stops.push(() => close(lambdaServer));

    // Secrets Manager: the admin token and the cursor key, read by the functions as on AWS (plugins add theirs).
    const secrets = new LocalSecretsManager(LOCAL_ACCESS_KEY_ID);
    const adminTokenSecretArn = secrets.put({ name: ADMIN_TOKEN_SECRET_NAME, value: adminToken });
    const cursorSecretArn = secrets.put({ name: CURSOR_SECRET_NAME, value: cursorSecret });
    const secretsServer = secrets.createServer();
    const secretsPort = await listen(secretsServer, 0, 'Secrets Manager');
    stops.push(() => close(secretsServer));

    const urls = {
      api: '',
      s3: `http://127.0.0.1:${s3Address.port}`,
      dynamo: `http://127.0.0.1:${dynamoPort}`,
      ses: `http://127.0.0.1:${sesPort}`,
      auth: '',
      sqs: `http://127.0.0.1:${sqsPort}`,
      lambda: `http://127.0.0.1:${lambdaPort}`,
    };
    // What the stand-ins are to the functions: the values of their catalog environment (plugins add
    // theirs) and the endpoints every function's SDK clients use.
    const sources: LocalSources = {
      tableName: TABLE_NAME,
      dropBucketName: DROP_BUCKET,
      documentsBucketName: DOCUMENTS_BUCKET,
      adminTokenSecretArn,
      cursorSecretArn,
      startQueueUrl: localQueueUrl(urls.sqs, START_QUEUE_NAME),
      sesConfigurationSet: LOCAL_SES_CONFIGURATION_SET,
    };
    const endpoints: Record<string, string> = {
      AWS_ENDPOINT_URL_DYNAMODB: urls.dynamo,
      AWS_ENDPOINT_URL_S3: urls.s3,
      AWS_ENDPOINT_URL_SESV2: urls.ses,
      AWS_ENDPOINT_URL_SES: urls.ses,
      AWS_ENDPOINT_URL_SQS: urls.sqs,
      AWS_ENDPOINT_URL_LAMBDA: urls.lambda,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${secretsPort}`,
    };
    // This process's own environment serves the runtime and the scripts and tests that call the
    // SDK or a handler in it; the functions the runtime invokes see only their own (environmentOf).
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY,
      AWS_ENDPOINT_URL_DYNAMODB: urls.dynamo,
      AWS_ENDPOINT_URL_S3: urls.s3,
      AWS_ENDPOINT_URL_SESV2: urls.ses,
      AWS_ENDPOINT_URL_SES: urls.ses,
      AWS_ENDPOINT_URL_SQS: urls.sqs,
      AWS_ENDPOINT_URL_LAMBDA: urls.lambda,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.AWS_ENDPOINT_URL_SECRETS_MANAGER,
      START_QUEUE_URL: localQueueUrl(urls.sqs, START_QUEUE_NAME),
      TABLE_NAME,
      DROP_BUCKET,
      LETTER_BUCKET: DOCUMENTS_BUCKET,
      S3_FORCE_PATH_STYLE: 'true',
      ADMIN_TOKEN: adminToken,
      // What the stack gives the paginating functions on AWS as a secret: the key cursors are signed with.
      CURSOR_SECRET: cursorSecret,
      // One process calls the stand-ins for every function at once: keep-alive and more sockets.
      SDK_HTTP_MAX_SOCKETS: '256',
      // Locally we run on Node 20 by design (Lambda runs 22): the SDK's upgrade notice is noise.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Metrics (EMF lines on stdout) help nobody locally; on AWS they feed the dashboard.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    });
    await ensureTable(urls.dynamo, log);
    await ensureBucket(urls.s3, DROP_BUCKET);
    await ensureBucket(urls.s3, DOCUMENTS_BUCKET);

    // Sign-in: the local OpenID Connect issuer stands in for the Cognito user pool and its
    // managed login; the users function reaches it as the Cognito API, like on AWS.
    const issuer = await startLocalIssuer({
      dataDir: opts.dataDir,
      port: ports.auth,
      poolId: LOCAL_USER_POOL_ID,
      clientId: LOCAL_APP_CLIENT_ID,
      consoleOrigins: [consoleUrl],
      mail: sesInvitationMailer(urls.ses, consoleUrl),
      scryptN: opts.scryptN,
    });
    stops.push(() => issuer.stop());
    urls.auth = issuer.url;
    Object.assign(process.env, { USER_POOL_ID: LOCAL_USER_POOL_ID, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: issuer.url });
    sources.userPoolId = LOCAL_USER_POOL_ID;
    endpoints.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER = issuer.url;

    // Each function's environment, derived when it is first loaded (once every plugin has said
    // what it stands in for) from its catalog entry, as the CDK stack derives it.
    const settings = { ...process.env };
    const environmentOf = (folder: string, needs?: FunctionNeeds) =>
      localFunctionEnvironment(folder, sources, { region: 'eu-west-1', credentials: { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY }, endpoints }, settings, needs);
    const functions = new LocalFunctions(environmentOf, clock);
    const adminEmail = (opts.admin?.email ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
    const adminPassword = opts.admin?.password ?? DEFAULT_ADMIN_PASSWORD;
    const { created } = await ensureAgencyAdmin(issuer, adminEmail, adminPassword);

    const localRoutes: Record<string, LocalRoute> = { ...localRoutesForClock(clock), 'GET /local/memory': () => memoryReport({ dynalite: dyn, ses }), 'POST /local/auth/token': localTokenRoute(issuer) };
    const api = createApiServer({
      localRoutes,
      loadHandler: (fn) => functions.handler(fn),
      adminToken,
      // How a script gets its token: it cannot need one.
      publicLocalRoutes: ['POST /local/auth/token'],
      jwtAuthorizer: jwtAuthorizer({ issuer: issuer.issuer, audience: [LOCAL_APP_CLIENT_ID] }),
      corsOrigins: [consoleUrl],
    });
    const apiPort = await listen(api, ports.api, 'API');
    stops.push(() => close(api));
    urls.api = `http://127.0.0.1:${apiPort}`;

    const ctx: LocalContext = {
      clock,
      s3rver: s3,
      dataDir: opts.dataDir,
      urls,
      startQueue,
      lambdas,
      secrets,
      functions,
      sources,
      endpoints,
      addRoute: (key, route) => void (localRoutes[key] = route),
      log,
    };
    const ready: (() => void)[] = [];
    for (const plugin of opts.plugins ?? LOCAL_PLUGINS) {
      const started = await plugin.start(ctx);
      if (started?.stop) stops.push(started.stop);
      if (started?.ready) ready.push(started.ready);
    }
    for (const r of ready) r();

    return {
      functions,
      environmentOf,
      urls,
      ports: { api: apiPort, s3: s3Address.port, dynamo: dynamoPort, ses: sesPort, auth: issuer.port },
      adminToken,
      admin: { email: adminEmail, password: adminPassword, created },
      signIn: { issuer: issuer.issuer, discovery: `${issuer.issuer}/.well-known/openid-configuration`, clientId: LOCAL_APP_CLIENT_ID, consoleOrigin: consoleUrl },
      clock,
      dataDir: opts.dataDir,
      recordTableRequests: () => dyn.record(),
      stop: () => stopAll(stops),
    };
  } catch (e) {
    await stopAll(stops);
    throw e;
  }
}

async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
}

async function ensureTable(endpoint: string, log: (message: string) => void): Promise<void> {
  const ddb = new DynamoDBClient({ endpoint });
  try {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
    // dynalite cannot add an index to an existing table (UpdateTable creates none), so a data
    // folder from before an index was added says so rather than failing at the first query.
    const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = (createTableInput(TABLE_NAME).GlobalSecondaryIndexes ?? []).map((i) => i.IndexName!).filter((n) => !have.has(n));
    if (missing.length) log(`WARNING: the local table was created before the indexes ${missing.join(', ')} existed; routes that query them answer errors. Start with --reset to recreate it (the local data is lost).`);
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
    await ddb.send(new CreateTableCommand(createTableInput(TABLE_NAME)));
  } finally {
    ddb.destroy();
  }
}

const MIB = 1024 * 1024;

/** `GET /local/memory`: the process's RSS and each thread's heap in MiB, to see where a large run's memory goes. */
async function memoryReport(threads: Record<string, StandInThread>): Promise<{ status: number; body: unknown }> {
  const mib = (u: NodeJS.MemoryUsage) => ({ heapUsed: Math.round(u.heapUsed / MIB), external: Math.round(u.external / MIB), arrayBuffers: Math.round(u.arrayBuffers / MIB) });
  const main = process.memoryUsage();
  const body: Record<string, unknown> = { rss: Math.round(main.rss / MIB), main: mib(main) };
  for (const [name, t] of Object.entries(threads)) body[name] = mib(await t.memory());
  return { status: 200, body };
}
