import type { Case, Phase } from '../schemas/case';
import { PHASES } from '../schemas/case';
import type { ClientResults, Operations } from '../schemas/results';
import { CONTACT_CHANNELS_OF_RESULTS } from '../schemas/results';
import { NODE_TYPES, WORKFLOW_KINDS, type WorkflowKind } from '../schemas/workflow';
import type { CaseEvent } from './transition';

/**
 * Results and operations figures from counters: pure. The counters are flat number attributes
 * of a few items (DynamoDB's ADD on a top-level attribute needs no parent map to exist), named
 * by the helpers below; the views turn them into the API's shapes.
 *
 * Liquidation buckets: weeks since placement, the way a creditor reads a curve ("what came in
 * within 7, 14, 21 ... days"): bucket k holds payments made on days 7k..7k+6 after the case was
 * placed; 52 weekly buckets cover the first 364 days and bucket 52 anything later.
 */
export const BUCKET_DAYS = 7;
export const LAST_BUCKET = 52;

export type Adds = Record<string, number>;

/** The bucket of a payment `days` whole days after placement. */
export const dayBucket = (days: number): number => Math.min(LAST_BUCKET, Math.max(0, Math.floor(days / BUCKET_DAYS)));

/** The `day` of a bucket's point: collected within that many days (365 for the open-ended last one). */
export const bucketDay = (bucket: number): number => (bucket >= LAST_BUCKET ? 365 : (bucket + 1) * BUCKET_DAYS);

/** Whole UTC days from one instant to a later one. */
export function wholeDaysBetween(from: string, to: string): number {
  const day = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
  return Math.max(0, Math.round((day(to) - day(from)) / 86_400_000));
}

/** The import month of a case: the month it was placed (created). */
export const placementMonth = (c: Pick<Case, 'createdAt'>): string => c.createdAt.slice(0, 7);

/** Attribute names of the counters. */
export const counterNames = {
  phase: (p: Phase) => `phase_${p}`,
  contact: (channel: string, outcome: ContactOutcome) => `contact_${channel}_${outcome}`,
  placed: 'placedMinor',
  collected: 'collectedMinor',
  bucket: (b: number) => `collected_from_day_${b * BUCKET_DAYS}`,
  execution: (kind: string, status: ExecutionOutcome) => `execution_${kind}_${status}`,
  send: (channel: string, outcome: 'sent' | 'failed' | 'skipped') => `send_${channel}_${outcome}`,
  stepFailures: 'step_failures',
  givenUp: 'sends_given_up',
  importRows: 'import_rows',
  importMs: 'import_ms',
  importCount: 'imports',
  /** Not a counter: the latest import's end, SET beside the ADD. */
  lastImportAt: 'last_import_at',
} as const;

export type ContactOutcome = 'sent' | 'failed' | 'skipped' | 'optedOut';
export type ExecutionOutcome = 'started' | 'succeeded' | 'failed' | 'stopped';

/**
 * What one change of a case adds to its client's counters: `totals` (cases by phase), `money`
 * (placed and collected in the case's currency) and `month` (the case's import month: placed,
 * and collected in the bucket of `at`). `before` undefined: the case is new.
 */
export interface CaseCounterAdds {
  clientId: string;
  currency: string;
  month: string;
  totals: Adds;
  money: Adds;
  monthAdds: Adds;
}

export function caseChangeAdds(before: Case | undefined, after: Case, at: string): CaseCounterAdds {
  const totals: Adds = {};
  const money: Adds = {};
  const monthAdds: Adds = {};
  if (!before || before.phase !== after.phase) {
    add(totals, counterNames.phase(after.phase), 1);
    if (before) add(totals, counterNames.phase(before.phase), -1);
  }
  const placed = after.ledger.principalMinor - (before?.ledger.principalMinor ?? 0);
  if (placed) {
    add(money, counterNames.placed, placed);
    add(monthAdds, counterNames.placed, placed);
  }
  const collected = after.ledger.paidMinor - (before?.ledger.paidMinor ?? 0);
  if (collected) {
    add(money, counterNames.collected, collected);
    add(monthAdds, counterNames.collected, collected);
    add(monthAdds, counterNames.bucket(dayBucket(wholeDaysBetween(after.createdAt, at))), collected);
  }
  return { clientId: after.clientId, currency: after.ledger.currency, month: placementMonth(after), totals, money, monthAdds };
}

/** Events that end a run by its own doing: its end, a continuation, or (from the run's own due check) the end of its plan. */
const RUN_ENDS = new Set<CaseEvent['type']>(['workflow_finished', 'workflow_continued', 'breathing_space_ended']);
const PLAN_ENDS = new Set<CaseEvent['type']>(['plan_completed', 'plan_broken']);

/**
 * Whether a change of a case ended the run that drove it, and how: `succeeded` when an event of
 * that run ended it, `stopped` when another event replaced it (a hold, a payment, a plan agreed
 * by a person). Undefined when the run goes on (or there was none).
 */
export function runEnding(before: Case, after: Case, events: readonly CaseEvent[]): { kind: WorkflowKind; how: 'succeeded' | 'stopped' } | undefined {
  const run = before.workflow;
  if (!run || run.executionName === after.workflow?.executionName) return undefined;
  const from = (e: CaseEvent) => ('executionName' in e ? e.executionName : undefined);
  const own = events.some((e) => (RUN_ENDS.has(e.type) && (from(e) === undefined || from(e) === run.executionName)) || (PLAN_ENDS.has(e.type) && from(e) === run.executionName));
  return { kind: run.kind, how: own ? 'succeeded' : 'stopped' };
}

/** Sums many changes (an import chunk's cases) per item, so each item gets one ADD. */
export function sumCaseAdds(changes: readonly CaseCounterAdds[]): { totals: Map<string, Adds>; money: Map<string, Adds>; months: Map<string, Adds> } {
  const totals = new Map<string, Adds>();
  const money = new Map<string, Adds>();
  const months = new Map<string, Adds>();
  const into = (m: Map<string, Adds>, k: string, adds: Adds) => {
    const t = m.get(k) ?? {};
    for (const [n, v] of Object.entries(adds)) add(t, n, v);
    m.set(k, t);
  };
  for (const c of changes) {
    into(totals, c.clientId, c.totals);
    into(money, `${c.clientId}|${c.currency}`, c.money);
    into(months, `${c.clientId}|${c.currency}|${c.month}`, c.monthAdds);
  }
  return { totals, money, months };
}

function add(adds: Adds, name: string, v: number): void {
  const next = (adds[name] ?? 0) + v;
  if (next === 0) delete adds[name];
  else adds[name] = next;
}

/** Drops the names whose sum is zero (an ADD of 0 is a write for nothing). */
export const nonZero = (adds: Adds): Adds => Object.fromEntries(Object.entries(adds).filter(([, v]) => v !== 0));

type Item = Record<string, unknown> | undefined;
const num = (item: Item, name: string): number => (typeof item?.[name] === 'number' ? (item[name] as number) : 0);
const ratio = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

export interface ResultsItems {
  clientId: string;
  currency: string;
  totals: Item;
  money: Item;
  /** The import months' items of that currency. */
  months: { month: string; item: Item }[];
  asOf: string;
}

/** The client's results from its counter items; never negative (a counter that drifted low shows 0). */
export function resultsView(r: ResultsItems): ClientResults {
  const placedMinor = Math.max(0, num(r.money, counterNames.placed));
  const collectedMinor = Math.max(0, num(r.money, counterNames.collected));
  const casesByPhase = Object.fromEntries(PHASES.map((p) => [p, Math.max(0, num(r.totals, counterNames.phase(p)))])) as ClientResults['casesByPhase'];
  const openCases = PHASES.filter((p) => p !== 'closed').reduce((s, p) => s + casesByPhase[p], 0);
  const contacts = Object.fromEntries(
    CONTACT_CHANNELS_OF_RESULTS.map((ch) => [
      ch,
      {
        sent: Math.max(0, num(r.totals, counterNames.contact(ch, 'sent'))),
        failed: Math.max(0, num(r.totals, counterNames.contact(ch, 'failed'))),
        skipped: Math.max(0, num(r.totals, counterNames.contact(ch, 'skipped'))),
        optedOut: Math.max(0, num(r.totals, counterNames.contact(ch, 'optedOut'))),
      },
    ]),
  );
  const liquidation = [...r.months]
    .sort((a, b) => a.month.localeCompare(b.month))
    .map(({ month, item }) => liquidationLine(month, item));
  return { clientId: r.clientId, currency: r.currency, placedMinor, collectedMinor, recoveryRate: ratio(collectedMinor, placedMinor), openCases, casesByPhase, liquidation, contacts, asOf: r.asOf };
}

/** One import month's curve: the cumulative share collected by the end of each bucket, up to the last bucket with a payment. */
export function liquidationLine(month: string, item: Item): ClientResults['liquidation'][number] {
  const placedMinor = Math.max(0, num(item, counterNames.placed));
  const perBucket = Array.from({ length: LAST_BUCKET + 1 }, (_, b) => num(item, counterNames.bucket(b)));
  let last = -1;
  perBucket.forEach((v, b) => {
    if (v !== 0) last = b;
  });
  const points = [];
  let cumulative = 0;
  for (let b = 0; b <= last; b++) {
    cumulative += perBucket[b]!;
    const collectedMinor = Math.max(0, cumulative);
    points.push({ day: bucketDay(b), collectedMinor, share: ratio(collectedMinor, placedMinor) });
  }
  return { month, placedMinor, points };
}

export interface OperationsItems {
  /** The shards of the operations counters (summed). */
  shards: Item[];
  dashboardUrl?: string;
  asOf: string;
}

export function operationsView(o: OperationsItems): Operations {
  const total = (name: string) => o.shards.reduce((s, i) => s + num(i, name), 0);
  const executions = Object.fromEntries(
    WORKFLOW_KINDS.map((k) => {
      const started = total(counterNames.execution(k, 'started'));
      const succeeded = total(counterNames.execution(k, 'succeeded'));
      const stopped = total(counterNames.execution(k, 'stopped'));
      return [k, { running: Math.max(0, started - succeeded - stopped), succeeded, failed: total(counterNames.execution(k, 'failed')), stopped }];
    }),
  ) as Operations['executions'];
  const sends = Object.fromEntries(
    NODE_TYPES.map((ch) => [ch, { sent: total(counterNames.send(ch, 'sent')), failed: total(counterNames.send(ch, 'failed')), skipped: total(counterNames.send(ch, 'skipped')) }]),
  ) as Operations['sends'];
  const rows = total(counterNames.importRows);
  const ms = total(counterNames.importMs);
  const lastImportAt = o.shards.map((i) => i?.[counterNames.lastImportAt]).filter((v): v is string => typeof v === 'string').sort().pop();
  return {
    executions,
    sends,
    failures: { stepFailures: total(counterNames.stepFailures), givenUp: total(counterNames.givenUp) },
    imports: { rows, ...(ms > 0 ? { rowsPerSecond: Math.round((rows / (ms / 1000)) * 10) / 10 } : {}), ...(lastImportAt ? { lastImportAt } : {}) },
    ...(o.dashboardUrl ? { dashboardUrl: o.dashboardUrl } : {}),
    asOf: o.asOf,
  };
}

/** The CloudWatch console's URL of a dashboard. */
export const dashboardConsoleUrl = (region: string, name: string): string =>
  `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${name}`;
