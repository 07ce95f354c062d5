import { createServer, type Server } from 'node:http';
import type { LocalQueue } from './local-queue';

/** The account id in local queue URLs and ARNs. */
export const LOCAL_ACCOUNT = '000000000000';

/** A queue's URL on the local endpoint, shaped like SQS's `https://sqs.<region>.amazonaws.com/<account>/<name>`. */
export function localQueueUrl(endpoint: string, name: string): string {
  return `${endpoint}/${LOCAL_ACCOUNT}/${name}`;
}

class SqsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

/** SendMessageBatch, DeleteMessageBatch and ChangeMessageVisibilityBatch take 10 entries at most. */
const MAX_BATCH = 10;
/** A message, or all of a batch's bodies together, may be 256 KiB (262,144 bytes). */
const MAX_PAYLOAD = 262_144;

/**
 * The SQS API over HTTP in the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Op>`,
 * `Content-Type: application/x-amz-json-1.0`), which `@aws-sdk/client-sqs` speaks:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html
 * Batch limits as the API reference gives them:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 * The SDK checks MD5OfMessageBody of every sent and received message, so the answers carry it.
 */
export function createSqsServer(queues: readonly LocalQueue[]): Server {
  const byName = new Map(queues.map((q) => [q.name, q]));
  const queueOf = (b: Body) => {
    const url = str(b, 'QueueUrl');
    const name = url.split('/').pop() ?? '';
    const q = byName.get(name);
    if (!q) throw new SqsError('com.amazonaws.sqs#QueueDoesNotExist', `The specified queue does not exist: ${url}`);
    return q;
  };
  const ops: Record<string, (b: Body) => unknown> = {
    SendMessage: (b) => {
      const body = messageBody(b.MessageBody, 'MessageBody');
      const [m] = queueOf(b).send([body]);
      return { MessageId: m!.messageId, MD5OfMessageBody: m!.md5OfBody };
    },
    SendMessageBatch: (b) => {
      const q = queueOf(b);
      const entries = batch(b);
      const bodies = entries.map((e, i) => messageBody(e.MessageBody, `Entries.${i}.MessageBody`));
      const total = bodies.reduce((n, x) => n + Buffer.byteLength(x), 0);
      if (total > MAX_PAYLOAD) throw new SqsError('com.amazonaws.sqs#BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_PAYLOAD} bytes; this one is ${total}`);
      const sent = q.send(bodies);
      return { Successful: sent.map((m, i) => ({ Id: entries[i]!.Id, MessageId: m.messageId, MD5OfMessageBody: m.md5OfBody })), Failed: [] };
    },
    ReceiveMessage: (b) => {
      const max = int(b.MaxNumberOfMessages, 1, 1, 10, 'MaxNumberOfMessages');
      const visibility = b.VisibilityTimeout === undefined ? undefined : int(b.VisibilityTimeout, 0, 0, 43_200, 'VisibilityTimeout') * 1000;
      const messages = queueOf(b).receive(max, visibility);
      return {
        Messages: messages.map((m) => ({
          MessageId: m.messageId,
          ReceiptHandle: m.receipt,
          MD5OfBody: m.md5OfBody,
          Body: m.body,
          Attributes: { ApproximateReceiveCount: String(m.receives), SentTimestamp: String(m.sentAt) },
        })),
      };
    },
    DeleteMessage: (b) => {
      if (!queueOf(b).delete(str(b, 'ReceiptHandle'))) throw new SqsError('com.amazonaws.sqs#ReceiptHandleIsInvalid', 'The input receipt handle is invalid.');
      return {};
    },
    DeleteMessageBatch: (b) => {
      const q = queueOf(b);
      const entries = batch(b);
      const ok = entries.map((e) => q.delete(String(e.ReceiptHandle ?? '')));
      return {
        Successful: entries.filter((_, i) => ok[i]).map((e) => ({ Id: e.Id })),
        Failed: entries.filter((_, i) => !ok[i]).map((e) => ({ Id: e.Id, SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle is invalid.' })),
      };
    },
    ChangeMessageVisibility: (b) => {
      const ms = int(b.VisibilityTimeout, undefined, 0, 43_200, 'VisibilityTimeout') * 1000;
      if (!queueOf(b).changeVisibility(str(b, 'ReceiptHandle'), ms)) throw new SqsError('com.amazonaws.sqs#MessageNotInflight', 'The message referred to is not in flight.');
      return {};
    },
  };

  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = ops[target.replace(/^AmazonSQS\./, '')];
      if (!op) return reply(400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: `the local SQS endpoint does not support ${target || '(no X-Amz-Target)'}` });
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        reply(200, op(text ? (JSON.parse(text) as Body) : {}) ?? {});
      } catch (e) {
        if (e instanceof SqsError) return reply(e.status, { __type: e.type, message: e.message });
        reply(500, { __type: 'com.amazonaws.sqs#InternalError', message: e instanceof Error ? e.message : String(e) });
      }
    });
  });
}

function str(b: Body, field: string): string {
  const v = b[field];
  if (typeof v !== 'string' || !v) throw new SqsError('com.amazonaws.sqs#MissingParameter', `The request must contain the parameter ${field}.`);
  return v;
}

function messageBody(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new SqsError('com.amazonaws.sqs#MissingParameter', `The request must contain the parameter ${field}.`);
  if (Buffer.byteLength(v) > MAX_PAYLOAD) throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', `${field} must be shorter than ${MAX_PAYLOAD} bytes.`);
  return v;
}

function int(v: unknown, fallback: number | undefined, min: number, max: number, field: string): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', `${field} must be an integer from ${min} to ${max}.`);
  return v;
}

function batch(b: Body): { Id: string; [k: string]: unknown }[] {
  const entries = b.Entries;
  if (!Array.isArray(entries) || entries.length === 0) throw new SqsError('com.amazonaws.sqs#EmptyBatchRequest', 'There should be at least one entry in the request.');
  if (entries.length > MAX_BATCH) throw new SqsError('com.amazonaws.sqs#TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_BATCH}. You have sent ${entries.length}.`);
  const ids = entries.map((e: { Id?: unknown }) => e.Id);
  if (ids.some((id) => typeof id !== 'string' || !/^[\w-]{1,80}$/.test(id))) throw new SqsError('com.amazonaws.sqs#InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores, at most 80.');
  if (new Set(ids).size !== ids.length) throw new SqsError('com.amazonaws.sqs#BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
  return entries as { Id: string }[];
}
