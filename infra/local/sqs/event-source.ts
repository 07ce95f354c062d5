import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { VirtualClock } from '../virtual-clock';
import { LOCAL_ACCOUNT } from './server';
import type { LocalQueue, QueuedMessage } from './local-queue';

export type QueueConsumer = (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] } | void>;

export interface EventSourceOptions {
  /** Records per invocation (the event source mapping's batchSize). */
  batchSize: number;
  /** Invocations at once (the mapping's maxConcurrency). */
  maxConcurrency: number;
  /**
   * Real milliseconds a failed message stays hidden before it is handed out again. On AWS it is
   * the queue's visibility timeout (six times the consumer's timeout); locally a retry comes
   * back at once, so a run does not wait minutes of wall time for it. A message being worked on
   * stays hidden for the queue's whole visibility timeout, as on AWS: handed out again while its
   * batch is still running, it would be started twice.
   */
  retryAfterMs: number;
  log(message: string): void;
}

/** What the mapping did, for `GET /local/start-queue`. */
export interface EventSourceStats {
  sent: number;
  succeeded: number;
  redelivered: number;
  deadLetters: unknown[];
  inFlight: number;
}

/**
 * Lambda's SQS event source mapping, locally: receives from the queue in batches and invokes the
 * consumer with an SQS event; reportBatchItemFailures as the stack configures it (the ids in
 * `batchItemFailures` come back after the visibility timeout, every other record is deleted; a
 * thrown error returns the whole batch). A message received maxReceiveCount times goes to the
 * dead letters. Every invocation runs inside `clock.track()`, so advancing virtual time waits for
 * the starts that are queued.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export function startEventSource(queue: LocalQueue, clock: VirtualClock, consumer: QueueConsumer, opts: EventSourceOptions): { stats(): EventSourceStats; stop(): void } {
  let running = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = 0;
  let sent = 0;
  let succeeded = 0;
  let redelivered = 0;
  const arn = `arn:aws:sqs:eu-west-1:${LOCAL_ACCOUNT}:${queue.name}`;

  const pump = () => {
    if (stopped) return;
    while (running < opts.maxConcurrency) {
      const batch = queue.receive(opts.batchSize);
      if (batch.length === 0) break;
      running++;
      void clock.track(() => invoke(batch)).finally(() => {
        running--;
        pump();
      });
    }
    schedule();
  };

  // Messages hidden after a failure come back by themselves, as a poller would find them.
  // A failed message returning soon comes before a timer set for the end of a visibility timeout.
  const schedule = () => {
    if (stopped) return;
    const at = queue.nextVisibleAt();
    if (at === undefined || at <= 0) return;
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      pump();
    }, Math.max(0, at - Date.now()) + 1);
  };

  const invoke = async (batch: QueuedMessage[]) => {
    redelivered += batch.filter((m) => m.receives > 1).length;
    let failed: Set<string>;
    try {
      const out = await consumer({ Records: batch.map((m) => record(m, arn)) });
      failed = new Set((out?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (e) {
      opts.log(`${queue.name} consumer failed: ${e instanceof Error ? e.message : String(e)}`);
      failed = new Set(batch.map((m) => m.messageId));
    }
    for (const m of batch) {
      if (failed.has(m.messageId)) queue.changeVisibility(m.receipt!, opts.retryAfterMs);
      else if (queue.delete(m.receipt!)) succeeded++;
    }
  };

  const unsubscribe = queue.onMessage((count) => {
    sent += count;
    pump();
  });
  pump();

  return {
    stats: () => ({
      sent,
      succeeded,
      redelivered,
      deadLetters: queue.deadLetters.map((m) => JSON.parse(m.body) as unknown),
      inFlight: queue.size,
    }),
    stop: () => {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
    },
  };
}

function record(m: QueuedMessage, arn: string): SQSRecord {
  return {
    messageId: m.messageId,
    receiptHandle: m.receipt!,
    body: m.body,
    attributes: { ApproximateReceiveCount: String(m.receives), SentTimestamp: String(m.sentAt), SenderId: LOCAL_ACCOUNT, ApproximateFirstReceiveTimestamp: String(m.sentAt) },
    messageAttributes: {},
    md5OfBody: m.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: 'eu-west-1',
  };
}
