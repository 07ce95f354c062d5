import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Agent } from 'node:http';
import { config } from '../config';

let doc: DynamoDBDocumentClient | undefined;

/**
 * One document client per process, created on first use. The endpoint comes from the SDK's
 * own `AWS_ENDPOINT_URL_DYNAMODB` variable, which the local runtime points at dynalite.
 */
export function dynamo(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 8, ...localTuning() }), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return doc;
}

/**
 * Locally every workflow due at one virtual instant calls dynalite at once (a thousand cases,
 * a thousand requests): one keep-alive agent with more sockets than the SDK's 50, and a long
 * inactivity timeout, because a request may wait behind a thousand others in the one process
 * (the SDK's default timed requests out under that burst). On AWS the SDK's defaults stay.
 */
function localTuning() {
  return config().RECOUP_LOCAL ? { requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }), requestTimeout: 120_000 } } : {};
}
