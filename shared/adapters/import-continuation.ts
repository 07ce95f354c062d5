import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { sdkClientOptions } from './sdk-client-options';

/** The event an import sends itself to go on in a fresh invocation (a new 15 minutes). */
export interface ContinueImportEvent {
  source: 'recoup.import';
  action: 'continue';
  bucket: string;
  key: string;
  etag: string;
  importId: string;
  /** How many times the import has handed over in this chain of invocations (absent: none before). */
  hop?: number;
}

export function isContinueEvent(e: unknown): e is ContinueImportEvent {
  return typeof e === 'object' && e !== null && (e as { source?: unknown }).source === 'recoup.import' && (e as { action?: unknown }).action === 'continue';
}

let lambda: LambdaClient | undefined;

/**
 * Asks for another invocation of this import function with `event`: an asynchronous invoke of
 * the function itself (`functionName`, the Lambda context's; needs lambda:InvokeFunction on its
 * own ARN), through the local Lambda endpoint locally. Lambda retries an
 * asynchronous invocation that fails, and the checkpoint makes a duplicate harmless.
 */
export async function continueInNewInvocation(event: ContinueImportEvent, functionName: string | undefined = process.env.AWS_LAMBDA_FUNCTION_NAME): Promise<void> {
  if (!functionName) throw new Error('no function to continue the import in: the Lambda context names none and AWS_LAMBDA_FUNCTION_NAME is unset');
  const fn = functionName;
  lambda ??= new LambdaClient({ maxAttempts: 6, ...sdkClientOptions() });
  await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
}
