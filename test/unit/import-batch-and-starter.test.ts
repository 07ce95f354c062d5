import { ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const dynamoSend = vi.fn();
const sfnSend = vi.fn();
vi.mock('../../shared/adapters/dynamo/client', () => ({ dynamo: () => ({ send: dynamoSend }) }));
vi.mock('@aws-sdk/client-sfn', async (orig) => {
  const real = await orig<typeof import('@aws-sdk/client-sfn')>();
  return { ...real, SFNClient: class { send = sfnSend; } };
});

const scheduleRun = vi.fn();
vi.mock('../../shared/workflow/run-schedule', () => ({ scheduleRun }));
const STEPS = [{ at: '2026-01-05T09:00:00.000Z', index: 0, node: { type: 'email', template: 't' }, fn: 'arn:aws:lambda:eu-west-1:1:function:send-email', last: true, continuation: null }];

const { batchPut, batchGet } = await import('../../shared/adapters/dynamo/batch');
const { handler: startWorkflow } = await import('../../functions/start-workflow/handler');

beforeEach(() => {
  dynamoSend.mockReset();
  sfnSend.mockReset();
  scheduleRun.mockReset();
  scheduleRun.mockResolvedValue(STEPS);
  process.env.STATE_MACHINE_ARN_PREFIX = 'arn:aws:states:eu-west-1:1:stateMachine:recoup-';
});

describe('batch writes', () => {
  it('writes in 25s and retries UnprocessedItems with backoff until all are in', async () => {
    const items = Array.from({ length: 60 }, (_, i) => ({ pk: `P${i}`, sk: 'S' }));
    let firstCall = true;
    dynamoSend.mockImplementation(async (cmd: { input: { RequestItems: Record<string, { PutRequest: unknown }[]> } }) => {
      const reqs = Object.values(cmd.input.RequestItems)[0]!;
      expect(reqs.length).toBeLessThanOrEqual(25);
      if (firstCall) {
        firstCall = false;
        return { UnprocessedItems: { recoup: reqs.slice(0, 5) } };
      }
      return { UnprocessedItems: {} };
    });
    const sleeps: number[] = [];
    await batchPut(items, { sleep: async (ms) => void sleeps.push(ms) });
    const written = dynamoSend.mock.calls.flatMap(([c]) => Object.values((c as { input: { RequestItems: Record<string, unknown[]> } }).input.RequestItems)[0]!);
    expect(written).toHaveLength(65);
    expect(sleeps).toHaveLength(1);
  });

  it('gives up with a clear error when items stay unprocessed', async () => {
    dynamoSend.mockImplementation(async (cmd: { input: { RequestItems: Record<string, unknown[]> } }) => ({ UnprocessedItems: cmd.input.RequestItems }));
    await expect(batchPut([{ pk: 'a', sk: 'b' }], { sleep: async () => undefined })).rejects.toThrow(/unprocessed after 12 attempts \(the table is throttling writes\); nothing was lost: an import resumes from its checkpoint/);
  });

  it('reads in 100s and retries UnprocessedKeys', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `P${i}`, sk: 'S' }));
    let calls = 0;
    dynamoSend.mockImplementation(async (cmd: { input: { RequestItems: Record<string, { Keys: { pk: string }[] }> } }) => {
      const req = Object.values(cmd.input.RequestItems)[0]!;
      expect(req.Keys.length).toBeLessThanOrEqual(100);
      calls++;
      const [held, ...rest] = req.Keys;
      return calls === 1 ? { Responses: { recoup: rest }, UnprocessedKeys: { recoup: { Keys: [held] } } } : { Responses: { recoup: req.Keys } };
    });
    const found = await batchGet(keys, { sleep: async () => undefined });
    expect(found.size).toBe(150);
  });
});

function sqs(...bodies: unknown[]): SQSEvent {
  return { Records: bodies.map((b, i) => ({ messageId: `m${i}`, body: typeof b === 'string' ? b : JSON.stringify(b) })) } as SQSEvent;
}

describe('start-workflow', () => {
  it('starts with the deterministic name on the kind\'s state machine, the run\'s steps in the input', async () => {
    sfnSend.mockResolvedValue({ executionArn: 'arn' });
    const out = await startWorkflow(sqs({ caseId: 'cs_1', kind: 'mainOutreach', seq: 2 }));
    expect(out.batchItemFailures).toEqual([]);
    expect(scheduleRun).toHaveBeenCalledWith({ caseId: 'cs_1', kind: 'mainOutreach', seq: 2, execution: 'cs_1-mainOutreach-2' });
    expect(sfnSend.mock.calls[0]![0].input).toEqual({
      stateMachineArn: 'arn:aws:states:eu-west-1:1:stateMachine:recoup-main-outreach',
      name: 'cs_1-mainOutreach-2',
      input: JSON.stringify({ caseId: 'cs_1', kind: 'mainOutreach', seq: 2, steps: STEPS }),
    });
  });

  it('starts nothing for a run that is no longer the case\'s current one', async () => {
    scheduleRun.mockResolvedValue(null);
    expect((await startWorkflow(sqs({ caseId: 'cs_1', kind: 'retry', seq: 1 }))).batchItemFailures).toEqual([]);
    expect(sfnSend).not.toHaveBeenCalled();
  });

  it('a schedule that cannot be computed now returns the message to the queue', async () => {
    scheduleRun.mockRejectedValue(new Error('table busy'));
    expect((await startWorkflow(sqs({ caseId: 'cs_1', kind: 'retry', seq: 1 }))).batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(sfnSend).not.toHaveBeenCalled();
  });

  it('counts ExecutionAlreadyExists as success (a replayed message)', async () => {
    sfnSend.mockRejectedValue(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    expect((await startWorkflow(sqs({ caseId: 'cs_1', kind: 'breathingSpace', seq: 1 }))).batchItemFailures).toEqual([]);
  });

  it('returns a message whose start still fails after the client\'s retries to the queue, and starts the others', async () => {
    // Throttling is retried inside the start client (adaptive mode, see step-functions-starts.test.ts);
    // what reaches the handler has spent those retries: no second loop here, SQS redelivers it.
    sfnSend.mockImplementation(async (cmd: { input: { name: string } }) => {
      if (cmd.input.name === 'cs_2-retry-1') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return { executionArn: 'arn' };
    });
    const out = await startWorkflow(sqs({ caseId: 'cs_1', kind: 'retry', seq: 1 }, { caseId: 'cs_2', kind: 'retry', seq: 1 }));
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(sfnSend).toHaveBeenCalledTimes(2);
  });

  it('drops a malformed message instead of looping it', async () => {
    expect((await startWorkflow(sqs('not json', { caseId: 'x', kind: 'nope', seq: 1 }))).batchItemFailures).toEqual([]);
    expect(sfnSend).not.toHaveBeenCalled();
  });
});
