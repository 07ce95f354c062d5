import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowKind } from '../schemas/workflow';
import { backoffMs } from './dynamo/batch';
import { config } from './config';
import { sdkClientOptions } from './sdk-client-options';

/** One workflow start: the starter turns it into StartExecution with the deterministic name. */
export interface StartMessage {
  caseId: string;
  kind: WorkflowKind;
  seq: number;
}

type Consumer = (messages: StartMessage[]) => void;

/**
 * The in-process stand-in for the SQS start queue (local runtime and tests). Messages sent
 * before a consumer subscribes wait here, as they would in a queue.
 */
class LocalStartQueue {
  private waiting: StartMessage[] = [];
  private consumer: Consumer | undefined;

  send(messages: StartMessage[]): void {
    if (this.consumer) this.consumer(messages);
    else this.waiting.push(...messages);
  }

  /** Attaches the consumer (the local runtime's start-workflow runner); returns a detach function. */
  subscribe(consumer: Consumer): () => void {
    this.consumer = consumer;
    const backlog = this.waiting.splice(0);
    if (backlog.length) consumer(backlog);
    return () => {
      if (this.consumer === consumer) this.consumer = undefined;
    };
  }

  /** Messages sent while nobody consumed (for tests). */
  drain(): StartMessage[] {
    return this.waiting.splice(0);
  }
}

export const localStartQueue = new LocalStartQueue();

let sqs: SQSClient | undefined;

/**
 * Queues workflow starts: SQS on AWS (START_QUEUE_URL, SendMessageBatch in 10s, failed
 * entries retried with backoff), the in-process queue locally. StartExecution is throttled
 * per account, so nothing starts executions directly in bulk; the queue paces the starter.
 */
export async function sendStarts(messages: StartMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const url = config().START_QUEUE_URL;
  if (!url) {
    if (!config().RECOUP_LOCAL) throw new Error('START_QUEUE_URL is not set; the stack sets it for every function that starts workflows');
    localStartQueue.send(messages);
    return;
  }
  sqs ??= new SQSClient({ maxAttempts: 6, ...sdkClientOptions() });
  for (let i = 0; i < messages.length; i += 10) {
    let entries = messages.slice(i, i + 10).map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) }));
    for (let round = 0; entries.length; round++) {
      if (round >= 8) throw new Error(`SQS refused ${entries.length} start messages after ${round} attempts`);
      if (round > 0) await sleep(backoffMs(round, 50));
      const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      entries = entries.filter((e) => failed.has(e.Id));
    }
  }
}
