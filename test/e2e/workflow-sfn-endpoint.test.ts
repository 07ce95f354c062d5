import { DescribeExecutionCommand, ExecutionAlreadyExists, ListExecutionsCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stepFunctionsPlugin } from '../../infra/local/step-functions/plugin';
import { startTestStack } from '../support/local-stack';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let sfn: SFNClient;
beforeAll(async () => {
  stack = await startTestStack({ plugins: [stepFunctionsPlugin] });
  sfn = new SFNClient({});
});
afterAll(async () => {
  sfn?.destroy();
  await stack?.stop();
});

it('the real SFN client starts, describes, lists and stops executions on the local endpoint', async () => {
  const arn = `${process.env.STATE_MACHINE_ARN_PREFIX}main-outreach`;
  // The step names its function by its short key (the folder); the machine builds the name.
  const fn = 'send-email';
  const steps = [{ at: stack.clock.now().toISOString(), index: 0, node: { type: 'email', template: 't' }, fn, last: true, continuation: null }];
  const input = JSON.stringify({ caseId: 'nope', kind: 'mainOutreach', seq: 1, steps });
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'nope-mainOutreach-1', input }));
  expect(started.executionArn).toBe('arn:aws:states:eu-west-1:000000000000:execution:recoup-main-outreach:nope-mainOutreach-1');
  expect(started.startDate?.toISOString()).toBe(stack.clock.now().toISOString());
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'nope-mainOutreach-1', input: '{}' }))).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  // The case does not exist: the email step fails (Step Functions retries it 30 s, 2 and 8 minutes
  // later, on the virtual clock), then recording the failure fails too, and the execution with it.
  await stack.clock.advanceDays(1 / 24);
  const d = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
  expect(d.status).toBe('FAILED');
  expect(d.cause).toMatch(/no case with id "nope"/);
  const list = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }));
  expect(list.executions?.map((e) => e.name)).toEqual(['nope-mainOutreach-1']);
  await sfn.send(new StopExecutionCommand({ executionArn: started.executionArn })); // stopping an ended execution is fine
  await expect(sfn.send(new DescribeExecutionCommand({ executionArn: `${started.executionArn}x` }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: `${arn}-nope`, input }))).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
});
