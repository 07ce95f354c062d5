import type S3rver from 's3rver';
import type { VirtualClock } from './virtual-clock';
import type { LocalRoute } from './api-server';
import type { LocalFunctionRegistry } from './lambda-invoke-server';
import type { LocalQueue } from './sqs/local-queue';
import type { LocalFunctions } from './local-functions';
import type { LocalSecretsManager } from './secrets-manager';
import type { LocalSources } from './stack';

/** What a capability (imports, workflows, ...) gets to wire itself into the local runtime. */
export interface LocalContext {
  clock: VirtualClock;
  s3rver: S3rver;
  dataDir: string;
  urls: { api: string; s3: string; dynamo: string; ses: string; auth: string; sqs: string; lambda: string };
  /** The workflow start queue (START_QUEUE_URL), served on the local SQS endpoint. */
  startQueue: LocalQueue;
  /** Functions the local Lambda endpoint invokes asynchronously (AWS_ENDPOINT_URL_LAMBDA). */
  lambdas: LocalFunctionRegistry;
  /** The local Secrets Manager (AWS_ENDPOINT_URL_SECRETS_MANAGER): a plugin puts the secrets of its stand-ins here. */
  secrets: LocalSecretsManager;
  /** The functions, each loaded with its own environment on first use. */
  functions: LocalFunctions;
  /** What each stand-in is to the functions' environments (set before the first function loads). */
  sources: LocalSources;
  /** AWS_ENDPOINT_URL_<SERVICE> of the stand-ins, given to every function. */
  endpoints: Record<string, string>;
  /** Adds a local-only HTTP route, e.g. 'GET /local/outbox'. */
  addRoute(routeKey: string, route: LocalRoute): void;
  log(message: string): void;
}

export interface LocalPlugin {
  name: string;
  /** `ready` runs once every plugin has started (work that needs the others up, such as resuming executions). */
  start(ctx: LocalContext): Promise<{ ready?(): void; stop?(): Promise<void> } | void>;
}
