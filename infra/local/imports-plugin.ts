import type { Context, S3Event, SQSEvent } from 'aws-lambda';
import type { S3rverEvent } from 's3rver';
import type { ContinueImportEvent } from '../../shared/adapters/import-continuation';
import { needsOf } from '../function-catalog';
import { localLambdaContext } from './lambda-context';
import type { LocalPlugin } from './plugins';
import { startEventSource, type EventSourceStats } from './sqs/event-source';

/** A failed start comes back after this (real time); see EventSourceOptions.retryAfterMs. */
const REDELIVERY_MS = 200;
/** The start queue's event source mapping, as infra/constructs/imports.ts configures it. */
const BATCH = 10;
const MAX_STARTER_CONCURRENCY = 5;
const IMPORT_FUNCTION = 'import-csv';

type ImportHandler = (event: S3Event | ContinueImportEvent, context: Pick<Context, 'getRemainingTimeInMillis' | 'functionName'>) => Promise<unknown>;
type StartHandler = (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

/** S3 puts keys into notifications URL-encoded (form style: spaces as '+'); s3rver does not, so we do. */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');
}

/** What the local start queue did, for tests and `GET /local/start-queue`. */
export type StartQueueStats = EventSourceStats;

/**
 * Imports, locally: s3rver's `event` -> the import handler with an S3 ObjectCreated event (as on
 * AWS), the importer's continuation -> the import handler again, and the in-process start queue
 * -> the start-workflow handler with SQS-shaped events. All of it runs inside `clock.track()`,
 * so advancing virtual time waits for imports and starts in flight.
 */
export const importsPlugin: LocalPlugin = {
  name: 'imports',
  async start(ctx) {
    const importHandler: ImportHandler = async (event, context) => (await ctx.functions.handler(IMPORT_FUNCTION))(event, context);
    const startHandler: StartHandler = async (event) => (await ctx.functions.handler('start-workflow'))(event, localLambdaContext('start-workflow', (needsOf('start-workflow').timeoutSeconds ?? 60) * 1000, 'sqs'));
    let stopped = false;
    // The function's timeout, which the importer plans its continuation around.
    const importTimeoutMs = (needsOf(IMPORT_FUNCTION).timeoutSeconds ?? 900) * 1000;

    const runImport = (event: S3Event | ContinueImportEvent) => {
      const startedAt = Date.now();
      const context = { ...localLambdaContext(IMPORT_FUNCTION, importTimeoutMs), getRemainingTimeInMillis: () => importTimeoutMs - (Date.now() - startedAt) };
      void ctx.clock.track(() => importHandler(event, context)).catch((e: unknown) => ctx.log(`import failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
    };

    const onS3Event = (event: S3rverEvent) => {
      if (stopped) return;
      const records = event.Records.filter((r) => r.eventName.startsWith('ObjectCreated:'));
      if (records.length === 0) return;
      runImport({
        Records: records.map((r) => ({
          ...r,
          eventSource: 'aws:s3',
          s3: { ...r.s3, object: { ...r.s3.object, key: encodeS3EventKey(r.s3.object.key) } },
        })),
      } as unknown as S3Event);
    };
    ctx.s3rver.on('event', onS3Event);
    // The importer's continuation arrives as an asynchronous Invoke of its own function name.
    const unregister = ctx.lambdas.register(localLambdaContext(IMPORT_FUNCTION, 0).functionName, (event) => {
      if (!stopped) runImport(event as ContinueImportEvent);
    });

    // The start queue's event source mapping: SQS events to start-workflow.
    const mapping = startEventSource(ctx.startQueue, ctx.clock, startHandler, { batchSize: BATCH, maxConcurrency: MAX_STARTER_CONCURRENCY, retryAfterMs: REDELIVERY_MS, log: ctx.log });

    ctx.addRoute('GET /local/start-queue', async () => ({ status: 200, body: mapping.stats() }));

    return {
      async stop() {
        stopped = true;
        ctx.s3rver.off('event', onS3Event);
        unregister();
        mapping.stop();
      },
    };
  },
};
