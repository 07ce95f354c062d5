import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { config } from './config';
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

type LocalInvoker = (event: ContinueImportEvent) => void;
let localInvoker: LocalInvoker | undefined;

/** The local runtime registers how to run the import handler again in-process. */
export function useLocalContinuation(invoker: LocalInvoker | undefined): void {
  localInvoker = invoker;
}

let lambda: LambdaClient | undefined;

/**
 * Asks for another invocation of this import function with `event` (asynchronous invoke of the
 * function itself on AWS; needs lambda:InvokeFunction on its own ARN). Lambda retries an
 * asynchronous invocation that fails, and the checkpoint makes a duplicate harmless.
 */
export async function continueInNewInvocation(event: ContinueImportEvent): Promise<void> {
  const fn = process.env.AWS_LAMBDA_FUNCTION_NAME;
  if (config().RECOUP_LOCAL || !fn) {
    if (!localInvoker) throw new Error('no way to continue the import: not on Lambda (AWS_LAMBDA_FUNCTION_NAME unset) and no local runner registered');
    localInvoker(event);
    return;
  }
  lambda ??= new LambdaClient({ maxAttempts: 6, ...sdkClientOptions() });
  await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
}
