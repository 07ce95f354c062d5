import { describe, expect, it } from 'vitest';
import { loadDefinitions, LOCAL_STATE_MACHINE_ARN_PREFIX } from '../../infra/local/step-functions/definitions';
import { SfnApiError } from '../../infra/local/step-functions/engine';
import { STATE_MACHINES_DIR } from '../../infra/local/step-functions/plugin';
import { day, harness, last, step } from '../support/local-sfn';

const sent = () => ({ status: 'sent' });

describe('the local Step Functions enforce the service quotas', () => {
  it('StartExecution refuses an input over 256 KiB with the API validation error', () => {
    const h = harness({});
    const big = [{ ...step(day(0), 0, 'email', last), node: { type: 'email', template: 'x'.repeat(262_144) } }];
    let error: unknown;
    try {
      h.start('main-outreach', big);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SfnApiError);
    expect(error).toMatchObject({ type: 'ValidationException', message: expect.stringMatching(/Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144/) });
    expect(h.engine.allExecutions()).toEqual([]);
  });

  it('a task result over 256 KiB fails the execution with States.DataLimitExceeded, which no Catch catches', async () => {
    const h = harness({ 'send-email': () => ({ status: 'sent', echo: 'x'.repeat(262_144) }), 'record-step-failure': () => null, 'send-sms': sent });
    const arn = h.start('retry', [step(day(0), 0, 'email'), step(day(1), 1, 'sms', last)]);
    await h.clock.advanceTo(new Date(day(2)));
    const d = h.engine.describeExecution(arn);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining("The state/task 'RunStep' returned a result with a size exceeding the maximum number of bytes service limit.") });
    // Not recorded as a failed step, and the walk stopped there.
    expect(h.calls.map((c) => c.fn)).toEqual(['send-email']);
  });

  it('the machines keep the Map result small: 900 steps whose inputs would exceed 256 KiB if every iteration returned its input', async () => {
    // A step as long as a real one with a long title: ~250 bytes; 900 of them are ~225 KB of input.
    const steps = Array.from({ length: 900 }, (_, i) => ({ ...step(day(0), i, 'email'), node: { type: 'email', template: 't', title: 'r'.repeat(150) } }));
    steps[899] = { ...steps[899]!, ...last };
    const [shipped] = loadDefinitions(STATE_MACHINES_DIR).filter((d) => d.kind === 'main-outreach');
    // The same machine as the steps' tasks returned their input (no OutputPath null): what the Map gathered before.
    const accumulating = structuredClone(shipped!);
    accumulating.kind = 'accumulating';
    const inner = (accumulating.definition.States.Walk!.ItemProcessor as { States: Record<string, Record<string, unknown>> }).States;
    delete inner.RunStep!.OutputPath;
    const h = harness({ 'send-email': sent }, { definitions: [shipped!, accumulating] });

    const lean = h.start('main-outreach', steps, 'lean');
    const fat = h.engine.startExecution({ stateMachineArn: `${LOCAL_STATE_MACHINE_ARN_PREFIX}accumulating`, name: 'fat', input: JSON.stringify({ caseId: 'case1', kind: 'main-outreach', seq: 1, steps }) }).executionArn;
    await h.clock.advanceTo(new Date(day(1)));

    expect(h.engine.describeExecution(lean)).toMatchObject({ status: 'SUCCEEDED' });
    // History: ExecutionStarted, MapStateEntered + MapStateStarted, per step 9 (iteration started/succeeded,
    // Wait entered/exited, Task entered/scheduled/started/succeeded/exited), MapStateSucceeded + MapStateExited, ExecutionSucceeded.
    expect(h.engine.describeExecution(lean).historyEvents).toBe(1 + 2 + 900 * 9 + 2 + 1);
    expect(h.engine.describeExecution(fat)).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded', cause: expect.stringContaining("'Walk' returned a result") });
  });

  it('an execution whose history reaches the quota fails with States.Runtime, and runs nothing more', async () => {
    const h = harness({ 'send-email': sent }, { limits: { historyEvents: 60 } });
    const steps = Array.from({ length: 10 }, (_, i) => step(day(i), i, 'email', i === 9 ? last : {}));
    const arn = h.start('main-outreach', steps);
    await h.clock.advanceTo(new Date(day(20)));
    expect(h.engine.describeExecution(arn)).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: 'The execution reached the maximum number of history events (60).' });
    // 3 events to start, 9 a step: the sixth step's task would be events 49-56 and the seventh's wait reaches 60.
    expect(h.calls.length).toBeLessThan(10);
    expect(h.calls.length).toBeGreaterThanOrEqual(6);
  });

  it('an execution still waiting a year after it started times out (States.Timeout), and the late step never runs', async () => {
    const h = harness({ 'send-email': sent });
    const arn = h.start('main-outreach', [step(day(10), 0, 'email'), step(day(400), 1, 'email', last)]);
    await h.clock.advanceTo(new Date(day(364)));
    expect(h.engine.describeExecution(arn).status).toBe('RUNNING');
    await h.clock.advanceTo(new Date(day(401)));
    const d = h.engine.describeExecution(arn);
    expect(d).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(d.stopDate?.toISOString()).toBe(day(365));
    expect(h.calls.map((c) => c.at)).toEqual([day(10)]);
    expect(h.clock.pendingTimers()).toBe(0);
  });
});

describe('RecordFailure', () => {
  it('retries its own ordinary failures (within 30 s, then within 2 minutes, with jitter), so one failed record does not fail the execution', async () => {
    let records = 0;
    const h = harness({
      'send-sms': () => {
        throw Object.assign(new Error('bad number'), { name: 'Recoup.PermanentFailure' });
      },
      'record-step-failure': () => {
        if (++records < 3) throw new Error('DynamoDB: connection reset');
        return null;
      },
      'send-email': sent,
    });
    const arn = h.start('main-outreach', [step(day(0), 0, 'sms'), step(day(1), 1, 'email', last)]);
    await h.clock.advanceTo(new Date(day(2)));
    const recordAt = h.calls.filter((c) => c.fn === 'record-step-failure').map((c) => Date.parse(c.at));
    expect(recordAt).toHaveLength(3);
    // The rule's intervals (30 s, then 2 minutes) under its full jitter: each wait drawn from (0, interval].
    const waits = [recordAt[1]! - recordAt[0]!, recordAt[2]! - recordAt[1]!];
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(30_000);
    expect(waits[1]).toBeGreaterThan(0);
    expect(waits[1]).toBeLessThanOrEqual(120_000);
    expect(h.calls.at(-1)).toMatchObject({ fn: 'send-email', at: day(1) });
    expect(h.engine.describeExecution(arn).status).toBe('SUCCEEDED');
  });
});
