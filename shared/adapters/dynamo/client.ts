import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type DeleteCommand, type PutCommand, type UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkClientOptions } from '../sdk-client-options';

let doc: DynamoDBDocumentClient | undefined;

/**
 * One document client per process, created on first use. The endpoint comes from the SDK's
 * own `AWS_ENDPOINT_URL_DYNAMODB` variable, which the local runtime points at dynalite.
 */
export function dynamo(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 8, ...sdkClientOptions() }), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return doc;
}

/**
 * Sends a conditional write; true when it was written, false when its condition did not hold.
 * Every invariant without transactions rests on these (claims, versions, leases), so the
 * "condition failed is an answer, not an error" rule lives here once.
 */
export async function writeIf(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
  try {
    await dynamo().send(command as PutCommand);
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
}
