import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localHttpTuning } from '../local-http';

let doc: DynamoDBDocumentClient | undefined;

/**
 * One document client per process, created on first use. The endpoint comes from the SDK's
 * own `AWS_ENDPOINT_URL_DYNAMODB` variable, which the local runtime points at dynalite.
 */
export function dynamo(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 8, ...localHttpTuning() }), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return doc;
}
