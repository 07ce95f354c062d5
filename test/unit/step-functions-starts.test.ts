import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The start client against an HTTP endpoint that throttles, through the real SDK: the pacing and
 * retries of StartExecution live in the client, not in a loop of the starter's own.
 */
let server: Server;
const seen: string[] = [];
/** How many of the next requests the endpoint answers with ThrottlingException. */
let throttleNext = 0;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(String(req.headers['x-amz-target']));
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (throttleNext > 0) {
        throttleNext--;
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
        return;
      }
      const { stateMachineArn, name } = JSON.parse(body) as { stateMachineArn: string; name: string };
      res.end(JSON.stringify({ executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, startDate: Date.now() / 1000 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    STATE_MACHINE_ARN_PREFIX: 'arn:aws:states:eu-west-1:123456789012:stateMachine:recoup-',
  });
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('starting an execution', () => {
  it('is retried by the start client while StartExecution throttles, and then starts', async () => {
    const { startExecution } = await import('../../shared/adapters/step-functions');
    throttleNext = 2;
    seen.length = 0;
    expect(await startExecution('mainOutreach', 'cs_1-mainOutreach-1', { caseId: 'cs_1' })).toBe('started');
    expect(seen).toEqual(['AWSStepFunctions.StartExecution', 'AWSStepFunctions.StartExecution', 'AWSStepFunctions.StartExecution']);
  });
});
