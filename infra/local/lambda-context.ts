import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { localFunctionArn } from './step-functions/definitions';

/**
 * The Lambda context a handler gets when the local runtime calls it in-process: named as the
 * deployed function would be, with the time its trigger allows (API Gateway 30 s, a Step
 * Functions task as configured).
 */
export function localLambdaContext(folder: string, timeoutMs: number, requestPrefix = 'local'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `recoup-${folder}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(folder),
    memoryLimitInMB: '512',
    awsRequestId: `${requestPrefix}-${randomUUID()}`,
    logGroupName: `/aws/lambda/recoup-${folder}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => timeoutMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
