import type { Case, Communication } from '../schemas/case';
import type { TimedNode } from '../schemas/workflow';

/**
 * Schedules of timed workflows (breathing space, main outreach, on hold, retry): computed once
 * when an execution starts, then walked by the state machine (Wait until `at` -> channel task).
 */

export const DAY_MS = 86_400_000;

export interface ScheduledStep<N = TimedNode> {
  /** ISO instant the step fires. */
  at: string;
  /** Position of the node in firing order (nodes sorted by afterDays, stable). `progress.nextNode` counts in the same order. */
  index: number;
  node: N;
}

export type WorkflowProgress = Case['progress'][string];

/** Nodes in firing order: by afterDays, ties kept in list order. */
export function orderNodes<N extends { afterDays: number }>(nodes: readonly N[]): N[] {
  return nodes
    .map((node, i) => ({ node, i }))
    .sort((a, b) => a.node.afterDays - b.node.afterDays || a.i - b.i)
    .map((x) => x.node);
}

/**
 * The steps of a timed workflow from `fromIndex` on. Each node fires `afterDays` after
 * `startedAt`, later by `shiftMs` (the total time the workflow was paused by holds and plans).
 * The debtor's contact hours move them later still (contact-hours.ts, applied by the starter).
 */
export function timedSchedule<N extends { afterDays: number }>(args: {
  startedAt: string;
  nodes: readonly N[];
  fromIndex?: number;
  shiftMs?: number;
}): ScheduledStep<N>[] {
  const start = Date.parse(args.startedAt);
  if (Number.isNaN(start)) throw new RangeError(`startedAt is not an ISO instant: "${args.startedAt}"`);
  const fromIndex = Math.max(0, args.fromIndex ?? 0);
  const shiftMs = args.shiftMs ?? 0;
  return orderNodes(args.nodes)
    .map((node, index) => ({ node, index }))
    .filter((s) => s.index >= fromIndex)
    .map(({ node, index }) => {
      const at = start + node.afterDays * DAY_MS + shiftMs;
      return { at: new Date(at).toISOString(), index, node };
    });
}

/**
 * The remaining steps of a workflow from its recorded progress: continues at `nextNode`,
 * shifted by the time it spent paused. A workflow still paused (pausedAt set) is shifted as if
 * it resumed at `now`.
 */
export function resumeSchedule<N extends { afterDays: number }>(
  progress: WorkflowProgress,
  nodes: readonly N[],
  opts: { now?: string } = {},
): ScheduledStep<N>[] {
  const openPause = progress.pausedAt && opts.now ? Math.max(0, Date.parse(opts.now) - Date.parse(progress.pausedAt)) : 0;
  return timedSchedule({
    startedAt: progress.startedAt,
    nodes,
    fromIndex: progress.nextNode,
    shiftMs: (progress.shiftMs ?? 0) + openPause,
  });
}

/**
 * Nodes a resumed timed run sends again first (firing-order indexes, ascending): each node
 * before `nextNode` whose every attempt in this stretch of the workflow (since its progress
 * started) is a send the provider refused for now (`retryable`). Its step had claimed it and
 * Step Functions was to retry it, but a hold or a plan stopped the run in between: nothing
 * left, and without this the resumed run would start after it. Any other record of the node
 * (sent, being sent, unknown, skipped, refused for good) keeps it from going out again.
 */
export function nodesToRetry(
  progress: WorkflowProgress,
  workflow: string,
  comms: readonly Pick<Communication, 'workflow' | 'node' | 'at' | 'status' | 'retryable'>[],
): number[] {
  const refusedOnly = new Map<number, boolean>();
  for (const m of comms) {
    if (m.workflow !== workflow || m.at < progress.startedAt || m.node >= progress.nextNode) continue;
    refusedOnly.set(m.node, (refusedOnly.get(m.node) ?? true) && m.status === 'failed' && m.retryable === true);
  }
  return [...refusedOnly].filter(([, only]) => only).map(([node]) => node).sort((a, b) => a - b);
}

/** When a breathing space of `days` ends, given its progress (holds push the end out). */
export function breathingSpaceEndsAt(progress: WorkflowProgress, days: number): string {
  return new Date(Date.parse(progress.startedAt) + days * DAY_MS + (progress.shiftMs ?? 0)).toISOString();
}

/**
 * Step Functions Standard executions live at most one year and 25,000 history events. An
 * execution takes the steps that fall within `maxSpanMs` of its start and at most `maxSteps`
 * of them (a step costs about a dozen history events), with room to spare for retries.
 */
export const EXECUTION_LIMITS = { maxSpanMs: 350 * DAY_MS, maxSteps: 500 } as const;

export interface ExecutionSplit<S> {
  /** Steps this execution runs. */
  now: S[];
  /** Present when steps remain: the execution waits until this instant, then continues as a new execution (next seq). */
  continueAt?: string;
  /** Index of the first step left for the next execution. */
  nextIndex?: number;
}

/**
 * Splits a schedule for one execution started at `startedAt`. When steps remain, `continueAt`
 * is 1 ms after this execution's last step (the next execution then has a full year of its
 * own), or, when no step falls in this execution's span, the end of the span. Steps sharing an
 * instant stay in one execution.
 */
export function splitForExecutionLimits<S extends { at: string; index: number }>(
  steps: readonly S[],
  startedAt: string,
  limits: { maxSpanMs: number; maxSteps: number } = EXECUTION_LIMITS,
): ExecutionSplit<S> {
  if (limits.maxSteps < 1) throw new RangeError('maxSteps must be at least 1');
  const start = Date.parse(startedAt);
  const end = start + limits.maxSpanMs;
  const now: S[] = [];
  let i = 0;
  for (; i < steps.length; i++) {
    const step = steps[i]!;
    if (Date.parse(step.at) >= end || now.length >= limits.maxSteps) break;
    now.push(step);
  }
  // Never split steps that share an instant: the next execution then starts strictly after this
  // one's last step and can drop everything up to it, whatever else it knows.
  if (i < steps.length && now.length > 0 && steps[i]!.at === now[now.length - 1]!.at) {
    let k = now.length;
    while (k > 0 && now[k - 1]!.at === steps[i]!.at) k--;
    if (k > 0) {
      now.splice(k);
      i = k;
    }
  }
  const rest = steps[i];
  if (!rest) return { now };
  const last = now[now.length - 1];
  const continueAt = last ? new Date(Math.max(start, Date.parse(last.at) + 1)).toISOString() : new Date(end).toISOString();
  return { now, continueAt, nextIndex: rest.index };
}

/** A step of a walk: the last one also ends the run (`continuation` when it goes on as a new execution). */
export type WalkStep<S> = (S | { at: string; index: number; node: { type: 'end' } }) & { last?: true; continuation?: { at: string; nextIndex: number } | null };

/**
 * The steps one execution walks: the schedule cut to the execution limits, with the run's end
 * on its last step. With `endAt`, the run ends at that instant with an `end` step of its own
 * (unless the schedule was cut: then it continues as a new execution after its last step);
 * without, it ends with its last step, or with an `end` step at `now` when it has none.
 */
export function walkSteps<S extends { at: string; index: number }>(
  steps: readonly S[],
  now: string,
  endAt?: string,
  limits: { maxSpanMs: number; maxSteps: number } = EXECUTION_LIMITS,
): WalkStep<S>[] {
  const s = splitForExecutionLimits(steps, now, limits);
  const continuation = s.continueAt && s.nextIndex !== undefined ? { at: s.continueAt, nextIndex: s.nextIndex } : null;
  const out: WalkStep<S>[] = [...s.now];
  const nextIndex = out.length ? out[out.length - 1]!.index + 1 : 0;
  if (!continuation && (endAt !== undefined || out.length === 0)) out.push({ at: endAt ?? now, index: nextIndex, node: { type: 'end' } });
  out[out.length - 1] = { ...out[out.length - 1]!, last: true, continuation };
  return out;
}
