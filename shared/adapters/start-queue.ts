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

let sqs: SQSClient | undefined;

/**
 * Queues workflow starts on the start queue (START_QUEUE_URL: SQS on AWS, the local SQS endpoint
 * locally; SendMessageBatch in 10s, failed entries retried with backoff). StartExecution is
 * throttled per account, so nothing starts executions directly in bulk; the queue paces the
 * starter. A function whose catalog entry does not grant the queue has no URL and fails here.
 */
export async function sendStarts(messages: StartMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const url = config().START_QUEUE_URL;
  if (!url) throw new Error('START_QUEUE_URL is not set: this function may not start workflows (its entry in infra/function-catalog.ts needs startQueue: true)');
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
