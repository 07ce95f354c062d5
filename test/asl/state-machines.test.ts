import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { allStates, loadDefinitions, LOCAL_STATE_MACHINE_ARN_PREFIX, type AslDefinition } from '../../infra/local/step-functions/definitions';
import { STEP_FUNCTION_OF } from '../../shared/domain/step-functions';
import { STATE_MACHINES_DIR } from '../../infra/local/step-functions/plugin';
import { day, harness, last, step } from '../support/local-sfn';

const KINDS = ['breathing-space', 'main-outreach', 'payment-plan', 'on-hold', 'retry'];

describe('state machine files', () => {
  const files = readdirSync(STATE_MACHINES_DIR).filter((f) => f.endsWith('.asl.json'));

  it('has one file per workflow kind', () => {
    expect(files.sort()).toEqual(KINDS.map((k) => `${k}.asl.json`).sort());
  });

  for (const d of loadDefinitions(STATE_MACHINES_DIR)) {
    it(`${d.kind}: valid ASL (asl-validator), JSONPath only, every Task on a placeholder`, () => {
      const { isValid, errorsText } = aslValidator(d.definition, { checkArn: true, checkPaths: true });
      expect(errorsText('\n')).toBe('');
      expect(isValid).toBe(true);
      const raw = readFileSync(join(STATE_MACHINES_DIR, `${d.kind}.asl.json`), 'utf8');
      expect(raw).not.toMatch(/JSONata|"Assign"|Task\.Token|DISTRIBUTED|ItemReader/);
      const rawDef = JSON.parse(raw) as AslDefinition;
      for (const [name, s] of allStates(rawDef)) {
        if (s.Type === 'Task' && s.Resource === 'arn:aws:states:::lambda:invoke') {
          // One Task per step invokes the step's function by name, from its short key; the Comment names every function it may be.
          expect(s.Parameters, name).toEqual({ 'FunctionName.$': "States.Format('${StepFunctionNamePrefix}{}', $.step.fn)", 'Payload.$': '$' });
          const named = [...String(s.Comment).matchAll(/\$\{(\w+)FunctionArn\}/g)].map((m) => m[1]);
          expect(named.sort(), name).toEqual(Object.values(STEP_FUNCTION_OF).map((f) => f.replace(/(^|-)(\w)/g, (_, _d, c: string) => c.toUpperCase())).sort());
        } else if (s.Type === 'Task') expect(s.Resource, name).toMatch(/^\$\{[A-Z]\w+FunctionArn\}$/);
        expect(s.Type, name).not.toBe('Choice');
        if (s.Type === 'Map') expect(s.MaxConcurrency, name).toBe(1);
        if (s.Type === 'Task' && name !== 'RecordFailure') expect(s.Retry?.length, `${name} retries`).toBeGreaterThan(0);
      }
    });
  }
});

describe('walking the state machines with stubbed tasks', () => {
  it('main outreach: each step waits until due, then runs its function; Map + two transitions per step', async () => {
    const steps = [step(day(0), 0, 'email'), step(day(3), 1, 'sms'), step(day(7), 2, 'voice'), step(day(14), 3, 'letter'), step(day(21), 4, 'ticket'), step(day(22), 5, 'call', last)];
    const h = harness({
      'send-email': () => ({ status: 'sent' }),
      'send-sms': () => ({ status: 'sent' }),
      'voice-call': () => ({ status: 'sent' }),
      'send-letter': () => ({ status: 'sent' }),
      'create-ticket': () => ({ status: 'sent' }),
      'call-centre': () => ({ status: 'sent' }),
    });
    const arn = h.start('main-outreach', steps);
    await h.clock.advanceTo(new Date(day(2)));
    expect(h.calls.map((c) => c.fn)).toEqual(['send-email']);
    await h.clock.advanceTo(new Date(day(30)));
    expect(h.calls.map((c) => [c.fn, c.at])).toEqual([
      ['send-email', day(0)],
      ['send-sms', day(3)],
      ['voice-call', day(7)],
      ['send-letter', day(14)],
      ['create-ticket', day(21)],
      ['call-centre', day(22)],
    ]);
    expect(h.calls[1]!.event).toEqual({ caseId: 'case1', kind: 'mainOutreach', seq: 1, execution: 'case1-run-1', step: steps[1] });
    // The last step carries the end of the run to its own function.
    expect(h.calls[5]!.event.step).toMatchObject({ last: true, continuation: null });
    const done = h.engine.describeExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    // Map, and Wait + Task per step: no Schedule, Choice or Finish states.
    expect(done.transitions).toBe(1 + 2 * steps.length);
  });

  it('a channel that keeps failing is retried, then recorded, and the walk goes on', async () => {
    let smsTries = 0;
    const h = harness({
      'send-sms': () => {
        smsTries++;
        throw Object.assign(new Error('provider down'), { name: 'Recoup.ProviderUnavailable' });
      },
      'send-email': () => ({ status: 'sent' }),
      'record-step-failure': () => null,
    });
    const arn = h.start('retry', [step(day(1), 0, 'sms'), step(day(2), 1, 'email'), step(day(3), 2, 'fax', last)]);
    await h.clock.advanceTo(new Date(day(5)));
    expect(smsTries).toBe(4); // first try + 3 retries
    const failures = h.calls.filter((c) => c.fn === 'record-step-failure');
    expect(failures).toHaveLength(2);
    expect(failures[0]!.event.failure.Error).toBe('Recoup.ProviderUnavailable');
    expect(failures[0]!.event.step.index).toBe(0);
    // Unknown node type: its step names the failure recorder, which records it; not fatal, and it ends the run.
    expect(failures[1]!.event.step).toMatchObject({ node: { type: 'fax' }, last: true });
    expect(h.calls.map((c) => c.fn)).toContain('send-email');
    expect(h.engine.describeExecution(arn).status).toBe('SUCCEEDED');
  });

  it('a step naming a function the machine does not name fails into the failure recorder', async () => {
    const h = harness({ 'record-step-failure': () => null });
    h.start('main-outreach', [{ ...step(day(1), 0, 'email'), fn: 'someone-elses', ...last }]);
    await h.clock.advanceTo(new Date(day(2)));
    expect(h.calls.map((c) => c.fn)).toEqual(['record-step-failure']);
    expect(h.calls[0]!.event.failure.Error).toBe('Lambda.ResourceNotFoundException');
  });

  it('breathing space: nodes meanwhile, then its end step at the end, run by the end function', async () => {
    const h = harness({
      'send-email': () => ({ status: 'sent' }),
      'workflow-end': () => null,
    });
    const arn = h.start('breathing-space', [step(day(1), 0, 'email'), { at: day(14), index: 1, node: { type: 'end' }, fn: 'workflow-end', ...last }]);
    await h.clock.advanceTo(new Date(day(13)));
    expect(h.calls.map((c) => c.fn)).toEqual(['send-email']);
    await h.clock.advanceTo(new Date(day(14)));
    expect(h.calls.at(-1)).toMatchObject({ fn: 'workflow-end', at: day(14), event: { kind: 'breathingSpace', step: { last: true, continuation: null } } });
    // Map + the node's step + the end step (without nodes: Map + its end step = 3).
    expect(h.engine.describeExecution(arn).transitions).toBe(1 + 2 * 2);
  });

  it('payment plan: due checks are steps with their own function; the last one ends the run', async () => {
    const h = harness({
      'send-email': () => ({ status: 'sent' }),
      'plan-check': () => ({ installment: 'paid' }),
    });
    h.start('payment-plan', [step(day(7), 0, 'email', { planStep: 'reminder' }), step(day(10), 1, 'check', { installmentIndex: 0, ...last })]);
    await h.clock.advanceTo(new Date(day(30)));
    expect(h.calls.map((c) => [c.fn, c.at])).toEqual([
      ['send-email', day(7)],
      ['plan-check', day(10)],
    ]);
    expect(h.calls[1]!.event.step).toMatchObject({ installmentIndex: 0, last: true });
  });

  it('a call whose outcome is pending is retried by the Retry policy until it settles', async () => {
    let n = 0;
    const h = harness({
      'call-centre': () => {
        if (++n < 3) throw Object.assign(new Error('not answered yet'), { name: 'Recoup.CallOutcomePending' });
        return { status: 'sent' };
      },
    });
    const arn = h.start('on-hold', [step(day(0), 0, 'call', last)]);
    await h.clock.advanceTo(new Date(day(1)));
    expect(n).toBe(3);
    // Retries are billed transitions too.
    expect(h.engine.describeExecution(arn).transitions).toBe(1 + 2 + 2);
  });

  it('a stopped execution runs nothing more, and its name cannot be reused', async () => {
    const h = harness({ 'send-email': () => ({ status: 'sent' }) });
    const steps = [step(day(1), 0, 'email'), step(day(5), 1, 'email', last)];
    const arn = h.start('main-outreach', steps);
    await h.clock.advanceTo(new Date(day(2)));
    h.engine.stopExecution({ executionArn: arn });
    await h.clock.advanceTo(new Date(day(10)));
    expect(h.calls.map((c) => c.fn)).toEqual(['send-email']);
    expect(h.engine.describeExecution(arn).status).toBe('ABORTED');
    expect(() => h.start('main-outreach', steps)).toThrow(/already exists/);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('the same name and input of a running execution is an idempotent start', () => {
    const h = harness({});
    const steps = [step(day(1), 0, 'email', last)];
    const a = h.start('retry', steps);
    expect(h.start('retry', steps)).toBe(a);
    expect(() => h.start('retry', steps, 'case1-run-1', { caseId: 'other', kind: 'retry', seq: 1, steps })).toThrow(/already exists/);
  });
});
