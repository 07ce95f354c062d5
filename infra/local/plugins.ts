import type S3rver from 's3rver';
import type { VirtualClock } from './virtual-clock';
import type { LocalRoute } from './api-server';
import type { LocalFunctionRegistry } from './lambda-invoke-server';
import type { LocalQueue } from './sqs/local-queue';

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
  /** Adds a local-only HTTP route, e.g. 'GET /local/outbox'. */
  addRoute(routeKey: string, route: LocalRoute): void;
  log(message: string): void;
}

export interface LocalPlugin {
  name: string;
  /** `ready` runs once every plugin has started (work that needs the others up, such as resuming executions). */
  start(ctx: LocalContext): Promise<{ ready?(): void; stop?(): Promise<void> } | void>;
}
