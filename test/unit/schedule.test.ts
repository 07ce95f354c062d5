import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  EXECUTION_LIMITS,
  breathingSpaceEndsAt,
  nodesToRetry,
  orderNodes,
  resumeSchedule,
  splitForExecutionLimits,
  timedSchedule,
  walkSteps,
} from '../../shared/domain/schedule';
import type { TimedNode } from '../../shared/schemas/workflow';

const n = (afterDays: number, template: string): TimedNode => ({ type: 'email', afterDays, template });
const START = '2026-01-10T14:30:00.000Z';

describe('timedSchedule', () => {
  it('orders nodes by afterDays, keeping list order for ties, and numbers them in that order', () => {
    const nodes = [n(7, 'c'), n(0, 'a'), n(3, 'b1'), n(3, 'b2')];
    const steps = timedSchedule({ startedAt: START, nodes });
    expect(steps.map((s) => [s.index, s.node.template, s.at])).toEqual([
      [0, 'a', '2026-01-10T14:30:00.000Z'],
      [1, 'b1', '2026-01-13T14:30:00.000Z'],
      [2, 'b2', '2026-01-13T14:30:00.000Z'],
      [3, 'c', '2026-01-17T14:30:00.000Z'],
    ]);
    expect(orderNodes(nodes).map((x) => x.template)).toEqual(['a', 'b1', 'b2', 'c']);
  });

  it('continues from an index and shifts the remaining nodes by the paused time', () => {
    const steps = timedSchedule({ startedAt: START, nodes: [n(0, 'a'), n(3, 'b'), n(10, 'c')], fromIndex: 1, shiftMs: 5 * DAY_MS + 3_600_000 });
    expect(steps.map((s) => [s.index, s.at])).toEqual([
      [1, '2026-01-18T15:30:00.000Z'],
      [2, '2026-01-25T15:30:00.000Z'],
    ]);
  });

  it('is empty past the last node and for an empty workflow', () => {
    expect(timedSchedule({ startedAt: START, nodes: [n(0, 'a')], fromIndex: 1 })).toEqual([]);
    expect(timedSchedule({ startedAt: START, nodes: [] })).toEqual([]);
  });

  it('refuses a bad start instant', () => {
    expect(() => timedSchedule({ startedAt: 'yesterday', nodes: [] })).toThrow(/ISO instant/);
  });
});

describe('resumeSchedule and breathingSpaceEndsAt', () => {
  const nodes = [n(0, 'a'), n(5, 'b'), n(9, 'c')];

  it('continues at nextNode with the recorded shift', () => {
    const steps = resumeSchedule({ startedAt: START, nextNode: 1, shiftMs: 2 * DAY_MS }, nodes);
    expect(steps.map((s) => [s.index, s.at])).toEqual([
      [1, '2026-01-17T14:30:00.000Z'],
      [2, '2026-01-21T14:30:00.000Z'],
    ]);
  });

  it('counts a pause still open as lasting until now', () => {
    const steps = resumeSchedule({ startedAt: START, nextNode: 2, pausedAt: '2026-01-12T14:30:00.000Z' }, nodes, { now: '2026-01-15T14:30:00.000Z' });
    expect(steps.map((s) => s.at)).toEqual(['2026-01-22T14:30:00.000Z']);
  });

  it('pushes the end of a breathing space out by its holds', () => {
    expect(breathingSpaceEndsAt({ startedAt: START, nextNode: 0 }, 14)).toBe('2026-01-24T14:30:00.000Z');
    expect(breathingSpaceEndsAt({ startedAt: START, nextNode: 0, shiftMs: DAY_MS }, 14)).toBe('2026-01-25T14:30:00.000Z');
  });
});

describe('splitForExecutionLimits', () => {
  const daily = (count: number, everyDays = 1) =>
    Array.from({ length: count }, (_, i) => ({ at: new Date(Date.parse(START) + i * everyDays * DAY_MS).toISOString(), index: i }));

  it('keeps a short schedule whole', () => {
    const steps = daily(10);
    expect(splitForExecutionLimits(steps, START)).toEqual({ now: steps });
  });

  it('keeps an execution under a year and continues right after its last step', () => {
    const steps = daily(30, 30); // every 30 days for ~2.4 years
    const split = splitForExecutionLimits(steps, START);
    const spanEnd = Date.parse(START) + EXECUTION_LIMITS.maxSpanMs;
    expect(split.now.every((s) => Date.parse(s.at) < spanEnd)).toBe(true);
    expect(split.now).toHaveLength(12); // days 0..330
    expect(split.nextIndex).toBe(12);
    expect(split.continueAt).toBe(new Date(Date.parse(split.now[11]!.at) + 1).toISOString());
  });

  it('bounds the number of steps', () => {
    const split = splitForExecutionLimits(daily(20), START, { maxSpanMs: 365 * DAY_MS, maxSteps: 8 });
    expect(split.now.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(split.nextIndex).toBe(8);
    expect(split.continueAt).toBe('2026-01-17T14:30:00.001Z');
  });

  it('keeps steps that share an instant in one execution', () => {
    const steps = [...daily(3), ...daily(3).map((s) => ({ ...s, index: s.index + 3 }))].sort((a, b) => a.at.localeCompare(b.at) || a.index - b.index);
    // instants: d0 d0 d1 d1 d2 d2; a budget of 3 would split the d1 pair
    const split = splitForExecutionLimits(steps, START, { maxSpanMs: 365 * DAY_MS, maxSteps: 3 });
    expect(split.now.map((s) => s.index)).toEqual([0, 3]);
    expect(split.nextIndex).toBe(1);
    // one instant holding more than the budget cannot be split cleanly: it is taken whole up to the budget
    const same = daily(1).concat(daily(1), daily(1)).map((s, i) => ({ ...s, index: i }));
    expect(splitForExecutionLimits(same, START, { maxSpanMs: DAY_MS, maxSteps: 2 }).now).toHaveLength(2);
  });

  it('waits out a whole span when the next step is further away than that', () => {
    const far = [{ at: new Date(Date.parse(START) + 800 * DAY_MS).toISOString(), index: 4 }];
    const split = splitForExecutionLimits(far, START);
    expect(split.now).toEqual([]);
    expect(split.nextIndex).toBe(4);
    expect(split.continueAt).toBe(new Date(Date.parse(START) + EXECUTION_LIMITS.maxSpanMs).toISOString());
  });

  it('never continues before the execution started (steps already due)', () => {
    const past = [
      { at: '2025-12-01T00:00:00.000Z', index: 0 },
      { at: '2025-12-02T00:00:00.000Z', index: 1 },
    ];
    const split = splitForExecutionLimits(past, START, { maxSpanMs: DAY_MS, maxSteps: 1 });
    expect(split.continueAt).toBe(START);
    expect(split.now).toHaveLength(1);
  });

  it('refuses a zero step budget', () => {
    expect(() => splitForExecutionLimits([], START, { maxSpanMs: DAY_MS, maxSteps: 0 })).toThrow(RangeError);
  });
});

describe('walkSteps', () => {
  const at = (d: number) => new Date(Date.parse('2026-01-05T09:00:00.000Z') + d * DAY_MS).toISOString();
  const now = at(0);
  const step = (d: number, index: number) => ({ at: at(d), index, node: { type: 'email' } });

  it('a run that ends with its last node carries its end on that node: no extra step', () => {
    const out = walkSteps([step(0, 0), step(3, 1)], now);
    expect(out).toEqual([step(0, 0), { ...step(3, 1), last: true, continuation: null }]);
  });

  it('a run with an end instant of its own (breathing space) ends with an end step then', () => {
    expect(walkSteps([step(1, 0)], now, at(14))).toEqual([step(1, 0), { at: at(14), index: 1, node: { type: 'end' }, last: true, continuation: null }]);
    // Without nodes: one step, so Map + Wait + Task.
    expect(walkSteps([], now, at(14))).toEqual([{ at: at(14), index: 0, node: { type: 'end' }, last: true, continuation: null }]);
  });

  it('a run with nothing left ends at once with an end step', () => {
    expect(walkSteps([], now)).toEqual([{ at: now, index: 0, node: { type: 'end' }, last: true, continuation: null }]);
  });

  it('a schedule cut by the execution limits continues after its last step, even with an end instant', () => {
    const out = walkSteps([step(0, 0), step(1, 1), step(2, 2)], now, at(30), { maxSpanMs: 400 * DAY_MS, maxSteps: 2 });
    expect(out).toEqual([step(0, 0), { ...step(1, 1), last: true, continuation: { at: new Date(Date.parse(at(1)) + 1).toISOString(), nextIndex: 2 } }]);
    expect(out.filter((s) => s.last)).toHaveLength(1);
  });
});

describe('nodesToRetry (what a resumed outreach run sends again first)', () => {
  const progress = { startedAt: '2026-01-10T09:00:00.000Z', nextNode: 4, shiftMs: 0, pausedAt: '2026-01-14T09:00:00.000Z' };
  const m = (node: number, at: string, status: 'sent' | 'failed' | 'skipped' | 'sending', extra: { retryable?: boolean; workflow?: string } = {}) => ({
    workflow: extra.workflow ?? 'mainOutreach',
    node,
    at: `2026-01-${at}T09:00:00.000Z`,
    status,
    ...(extra.retryable ? { retryable: true } : {}),
  });

  it('takes the nodes whose latest attempt the provider refused for now, in order', () => {
    expect(nodesToRetry(progress, 'mainOutreach', [m(2, '13', 'failed', { retryable: true }), m(0, '10', 'sent'), m(1, '11', 'failed', { retryable: true })])).toEqual([1, 2]);
  });

  it('leaves a node sent (or claimed) since, a permanent failure, a skip and what is not reached yet', () => {
    expect(
      nodesToRetry(progress, 'mainOutreach', [
        m(0, '10', 'failed', { retryable: true }),
        m(0, '15', 'sent'), // sent again by an earlier resumed run
        m(1, '11', 'failed'), // refused for good (bad number)
        m(2, '12', 'skipped'),
        m(3, '13', 'failed', { retryable: true }),
        m(3, '16', 'sending'), // claimed by a resumed run that stopped before recording: never twice
        m(4, '13', 'failed', { retryable: true }), // at or after nextNode: the run sends it anyway
      ]),
    ).toEqual([]);
  });

  it('looks only at this workflow since its progress started (not an earlier run started afresh, not another kind)', () => {
    expect(nodesToRetry(progress, 'mainOutreach', [m(1, '05', 'failed', { retryable: true }), m(1, '11', 'failed', { retryable: true, workflow: 'retry' })])).toEqual([]);
  });

  it('sends again a node refused by every attempt so far, and never one with any other record, whatever the order', () => {
    expect(nodesToRetry(progress, 'mainOutreach', [m(2, '12', 'failed', { retryable: true }), m(2, '13', 'failed', { retryable: true })])).toEqual([2]);
    // Virtual time gives many records the same instant: the order of the list must not matter.
    expect(nodesToRetry(progress, 'mainOutreach', [m(2, '12', 'failed', { retryable: true }), m(2, '12', 'sent')])).toEqual([]);
    expect(nodesToRetry(progress, 'mainOutreach', [m(2, '12', 'sent'), m(2, '12', 'failed', { retryable: true })])).toEqual([]);
  });
});
