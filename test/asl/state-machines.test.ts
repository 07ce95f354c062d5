import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { allStates, loadDefinitions, LOCAL_STATE_MACHINE_ARN_PREFIX, type AslDefinition } from '../../infra/local/step-functions/definitions';
import { LocalStepFunctions, type TaskHandler } from '../../infra/local/step-functions/engine';
import { STATE_MACHINES_DIR } from '../../infra/local/step-functions/plugin';
import { VirtualClock } from '../../infra/local/virtual-clock';

const KINDS = ['breathing-space', 'main-outreach', 'payment-plan', 'on-hold', 'retry'];
const T0 = new Date('2026-01-05T09:00:00.000Z');
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000).toISOString();

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
        if (s.Type === 'Task') expect(s.Resource, name).toMatch(/^\$\{[A-Z]\w+FunctionArn\}$/);
        if (s.Type === 'Map') expect(s.MaxConcurrency, name).toBe(1);
        if (s.Type === 'Task' && name !== 'RecordFailure') expect(s.Retry?.length, `${name} retries`).toBeGreaterThan(0);
      }
    });
  }
});

/** Runs one machine on the local engine with stubbed tasks, on a virtual clock. */
function harness(stubs: Record<string, (event: any) => unknown>) {
  const clock = new VirtualClock(T0);
  const calls: { fn: string; at: string; event: any }[] = [];
  const loadHandler = async (folder: string): Promise<TaskHandler> => async (event) => {
    calls.push({ fn: folder, at: clock.now().toISOString(), event });
    const stub = stubs[folder];
    if (!stub) throw new Error(`no stub for ${folder}`);
    return stub(event);
  };
  const engine = new LocalStepFunctions({ clock, definitions: loadDefinitions(STATE_MACHINES_DIR), loadHandler });
  const start = (kind: string, name = 'case1-run-1', input: object = { caseId: 'case1', kind, seq: 1 }) =>
    engine.startExecution({ stateMachineArn: `${LOCAL_STATE_MACHINE_ARN_PREFIX}${kind}`, name, input: JSON.stringify(input) }).executionArn;
  return { clock, calls, engine, start };
}

const step = (at: string, index: number, type: string, extra: object = {}) => ({ at, index, node: { type, template: 't', ...extra } });

describe('walking the state machines with stubbed tasks', () => {
  it('main outreach: each step waits until due, then runs its channel task; three transitions per step', async () => {
    const steps = [step(day(0), 0, 'email'), step(day(3), 1, 'sms'), step(day(7), 2, 'voice'), step(day(14), 3, 'letter'), step(day(21), 4, 'ticket'), step(day(22), 5, 'call')];
    const h = harness({
      'workflow-schedule': (e) => {
        expect(e).toEqual({ caseId: 'case1', kind: 'mainOutreach', seq: 1, execution: 'case1-run-1' });
        return { steps, continuation: null };
      },
      'send-email': () => ({ status: 'sent' }),
      'send-sms': () => ({ status: 'sent' }),
      'voice-call': () => ({ status: 'sent' }),
      'send-letter': () => ({ status: 'sent' }),
      'create-ticket': () => ({ status: 'sent' }),
      'call-centre': () => ({ status: 'sent' }),
      'workflow-end': () => null,
    });
    const arn = h.start('main-outreach');
    await h.clock.advanceTo(new Date(day(2)));
    expect(h.calls.map((c) => c.fn)).toEqual(['workflow-schedule', 'send-email']);
    await h.clock.advanceTo(new Date(day(30)));
    expect(h.calls.map((c) => [c.fn, c.at])).toEqual([
      ['workflow-schedule', day(0)],
      ['send-email', day(0)],
      ['send-sms', day(3)],
      ['voice-call', day(7)],
      ['send-letter', day(14)],
      ['create-ticket', day(21)],
      ['call-centre', day(22)],
      ['workflow-end', day(22)],
    ]);
    expect(h.calls[2]!.event).toEqual({ caseId: 'case1', kind: 'mainOutreach', seq: 1, execution: 'case1-run-1', step: steps[1] });
    const done = h.engine.describeExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    // Schedule + Map + Finish, and Wait + Choice + Task per step.
    expect(done.transitions).toBe(3 + 3 * steps.length);
  });

  it('a channel that keeps failing is retried, then recorded, and the walk goes on', async () => {
    let smsTries = 0;
    const h = harness({
      'workflow-schedule': () => ({ steps: [step(day(1), 0, 'sms'), step(day(2), 1, 'email'), step(day(3), 2, 'fax')], continuation: null }),
      'send-sms': () => {
        smsTries++;
        throw Object.assign(new Error('provider down'), { name: 'Recoup.ProviderUnavailable' });
      },
      'send-email': () => ({ status: 'sent' }),
      'record-step-failure': () => null,
      'workflow-end': () => null,
    });
    const arn = h.start('retry');
    await h.clock.advanceTo(new Date(day(5)));
    expect(smsTries).toBe(4); // first try + 3 retries
    const failures = h.calls.filter((c) => c.fn === 'record-step-failure');
    expect(failures).toHaveLength(2);
    expect(failures[0]!.event.failure.Error).toBe('Recoup.ProviderUnavailable');
    expect(failures[1]!.event.step.node.type).toBe('fax'); // unknown node type: recorded, not fatal
    expect(h.calls.map((c) => c.fn)).toContain('send-email');
    expect(h.engine.describeExecution(arn).status).toBe('SUCCEEDED');
  });

  it('breathing space: nodes meanwhile, then waits until its end before the closing task', async () => {
    const h = harness({
      'workflow-schedule': () => ({ steps: [step(day(1), 0, 'email')], endsAt: day(14), continuation: null }),
      'send-email': () => ({ status: 'sent' }),
      'workflow-end': () => null,
    });
    h.start('breathing-space');
    await h.clock.advanceTo(new Date(day(13)));
    expect(h.calls.map((c) => c.fn)).toEqual(['workflow-schedule', 'send-email']);
    await h.clock.advanceTo(new Date(day(14)));
    expect(h.calls.at(-1)).toMatchObject({ fn: 'workflow-end', at: day(14), event: { kind: 'breathingSpace', continuation: null } });
  });

  it('payment plan: due checks are steps with their own task', async () => {
    const h = harness({
      'workflow-schedule': () => ({ steps: [step(day(7), 0, 'email', { on: 'reminder' }), { at: day(10), index: 1, node: { type: 'check' }, installment: 0 }], continuation: null }),
      'send-email': () => ({ status: 'sent' }),
      'plan-check': () => ({ installment: 'paid' }),
      'workflow-end': () => null,
    });
    h.start('payment-plan');
    await h.clock.advanceTo(new Date(day(30)));
    expect(h.calls.map((c) => [c.fn, c.at])).toEqual([
      ['workflow-schedule', day(0)],
      ['send-email', day(7)],
      ['plan-check', day(10)],
      ['workflow-end', day(10)],
    ]);
  });

  it('a call whose outcome is pending is retried by the Retry policy until it settles', async () => {
    let n = 0;
    const h = harness({
      'workflow-schedule': () => ({ steps: [step(day(0), 0, 'call')], continuation: null }),
      'call-centre': () => {
        if (++n < 3) throw Object.assign(new Error('not answered yet'), { name: 'Recoup.CallOutcomePending' });
        return { status: 'sent' };
      },
      'workflow-end': () => null,
    });
    const arn = h.start('on-hold');
    await h.clock.advanceTo(new Date(day(1)));
    expect(n).toBe(3);
    // Retries are billed transitions too.
    expect(h.engine.describeExecution(arn).transitions).toBe(3 + 3 + 2);
  });

  it('a stopped execution runs nothing more, and its name cannot be reused', async () => {
    const h = harness({
      'workflow-schedule': () => ({ steps: [step(day(1), 0, 'email'), step(day(5), 1, 'email')], continuation: null }),
      'send-email': () => ({ status: 'sent' }),
      'workflow-end': () => null,
    });
    const arn = h.start('main-outreach');
    await h.clock.advanceTo(new Date(day(2)));
    h.engine.stopExecution({ executionArn: arn });
    await h.clock.advanceTo(new Date(day(10)));
    expect(h.calls.map((c) => c.fn)).toEqual(['workflow-schedule', 'send-email']);
    expect(h.engine.describeExecution(arn).status).toBe('ABORTED');
    expect(() => h.start('main-outreach')).toThrow(/already exists/);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('the same name and input of a running execution is an idempotent start', () => {
    const h = harness({ 'workflow-schedule': () => ({ steps: [step(day(1), 0, 'email')], continuation: null }) });
    const a = h.start('retry');
    expect(h.start('retry')).toBe(a);
    expect(() => h.start('retry', 'case1-run-1', { caseId: 'other', kind: 'retry', seq: 1 })).toThrow(/already exists/);
  });
});
