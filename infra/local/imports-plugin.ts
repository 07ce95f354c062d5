import type { Context, S3Event, SQSEvent, SQSRecord } from 'aws-lambda';
import type { S3rverEvent } from 's3rver';
import { useLocalContinuation, type ContinueImportEvent } from '../../shared/adapters/import-continuation';
import { localStartQueue, type StartMessage } from '../../shared/adapters/start-queue';
import type { LocalPlugin } from './plugins';

/** Lambda's limit, which the importer plans its continuation around. */
const IMPORT_TIMEOUT_MS = 15 * 60_000;
/** SQS-like redelivery: a failed start comes back after this (real time), up to MAX_RECEIVES times, then goes to the dead letters. */
const REDELIVERY_MS = 200;
const MAX_RECEIVES = 5;
const BATCH = 10;

type ImportHandler = (event: S3Event | ContinueImportEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<unknown>;
type StartHandler = (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

/** S3 puts keys into notifications URL-encoded (form style: spaces as '+'); s3rver does not, so we do. */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');
}

/** What the local start queue did, for tests and `GET /local/start-queue`. */
export interface StartQueueStats {
  sent: number;
  succeeded: number;
  redelivered: number;
  deadLetters: StartMessage[];
  inFlight: number;
}

/**
 * Imports, locally: s3rver's `event` -> the import handler with an S3 ObjectCreated event (as on
 * AWS), the importer's continuation -> the import handler again, and the in-process start queue
 * -> the start-workflow handler with SQS-shaped events. All of it runs inside `clock.track()`,
 * so advancing virtual time waits for imports and starts in flight.
 */
export const importsPlugin: LocalPlugin = {
  name: 'imports',
  async start(ctx) {
    const importHandler = ((await import('../../functions/import-csv/handler')) as { handler: ImportHandler }).handler;
    const startHandler = ((await import('../../functions/start-workflow/handler')) as { handler: StartHandler }).handler;
    const stats: StartQueueStats = { sent: 0, succeeded: 0, redelivered: 0, deadLetters: [], inFlight: 0 };
    let stopped = false;
    let seq = 0;

    const runImport = (event: S3Event | ContinueImportEvent) => {
      const startedAt = Date.now();
      void ctx.clock
        .track(() => importHandler(event, { getRemainingTimeInMillis: () => IMPORT_TIMEOUT_MS - (Date.now() - startedAt) }))
        .catch((e: unknown) => ctx.log(`import failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
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
    useLocalContinuation((event) => {
      if (!stopped) runImport(event);
    });

    const deliver = (messages: { body: StartMessage; receives: number }[]) => {
      stats.inFlight += messages.length;
      void ctx.clock.track(async () => {
        for (let i = 0; i < messages.length; i += BATCH) {
          const batch = messages.slice(i, i + BATCH).map((m) => ({ ...m, id: `local-${++seq}` }));
          const event: SQSEvent = { Records: batch.map((m) => sqsRecord(m.id, m.body, m.receives + 1)) };
          let failed: Set<string>;
          try {
            failed = new Set((await startHandler(event)).batchItemFailures.map((f) => f.itemIdentifier));
          } catch (e) {
            ctx.log(`start-workflow failed: ${(e as Error).message}`);
            failed = new Set(batch.map((m) => m.id));
          }
          stats.inFlight -= batch.length;
          const retry: { body: StartMessage; receives: number }[] = [];
          for (const m of batch) {
            if (!failed.has(m.id)) stats.succeeded++;
            else if (m.receives + 1 >= MAX_RECEIVES) stats.deadLetters.push(m.body);
            else retry.push({ body: m.body, receives: m.receives + 1 });
          }
          if (retry.length && !stopped) {
            stats.redelivered += retry.length;
            stats.inFlight += retry.length;
            setTimeout(() => {
              stats.inFlight -= retry.length;
              if (!stopped) deliver(retry);
            }, REDELIVERY_MS);
          }
        }
      });
    };
    const unsubscribe = localStartQueue.subscribe((messages) => {
      if (stopped) return;
      stats.sent += messages.length;
      deliver(messages.map((body) => ({ body, receives: 0 })));
    });

    ctx.addRoute('GET /local/start-queue', async () => ({ status: 200, body: stats }));

    return {
      async stop() {
        stopped = true;
        ctx.s3rver.off('event', onS3Event);
        useLocalContinuation(undefined);
        unsubscribe();
      },
    };
  },
};

function sqsRecord(messageId: string, body: StartMessage, receiveCount: number): SQSRecord {
  const now = String(Date.now());
  return {
    messageId,
    receiptHandle: messageId,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: now, SenderId: 'local', ApproximateFirstReceiveTimestamp: now },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:recoup-start',
    awsRegion: 'local',
  };
}
