import { expect, it } from 'vitest';
import { day, harness, last, step } from '../support/local-sfn';

it('executions waiting for a step keep no interpreter in memory, and each step still runs once, when due', async () => {
  const { engine, start, clock, calls } = harness({ 'send-email': () => ({ status: 'sent' }), 'workflow-end': () => ({ ended: true }) });
  const cases = Array.from({ length: 40 }, (_, i) => `case${i}`);
  const arns = cases.map((c, i) =>
    start('breathing-space', [step(day(1 + (i % 3)), 0, 'email'), step(day(14), 1, 'end', last)], `${c}-breathingSpace-1`, { caseId: c, kind: 'breathingSpace', seq: 1, steps: [step(day(1 + (i % 3)), 0, 'email'), step(day(14), 1, 'end', last)] }),
  );
  await clock.advanceTo(clock.now());
  // A cohort in its breathing space: every execution running, none of them an interpreter held in memory.
  expect(arns.map((a) => engine.describeExecution(a).status)).toEqual(cases.map(() => 'RUNNING'));
  expect(engine.interpreterRuns).toBe(0);

  await clock.advanceTo(new Date(day(2)));
  expect(engine.interpreterRuns).toBe(0);
  expect(calls.map((c) => c.fn)).toEqual(cases.filter((_, i) => i % 3 < 2).map(() => 'send-email'));

  await clock.advanceTo(new Date(day(15)));
  // Each step once, at its time: the replay after each wake answered the steps done from memory.
  const byFn = (fn: string) => calls.filter((c) => c.fn === fn);
  expect(byFn('send-email').map((c) => [c.event.caseId, c.at]).sort()).toEqual(cases.map((c, i) => [c, day(1 + (i % 3))]).sort());
  expect(byFn('workflow-end').map((c) => [c.event.caseId, c.at]).sort()).toEqual(cases.map((c) => [c, day(14)]).sort());
  expect(arns.map((a) => engine.describeExecution(a))).toEqual(arns.map(() => expect.objectContaining({ status: 'SUCCEEDED', transitions: 5, taskInvocations: 2 })));
  expect(engine.interpreterRuns).toBe(0);
});
