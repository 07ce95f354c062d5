import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { todayIso } from '../adapters/clock';
import { config } from '../adapters/config';
import { batchPut, mapLimit } from '../adapters/dynamo/batch';
import { dynamo, writeIf } from '../adapters/dynamo/client';
import { cases, timeline } from '../adapters/dynamo/case-repository';
import { skipTrace } from '../adapters/channels/skip-trace';
import { logger } from '../adapters/logger';
import { addDays } from '../domain/dates';
import { dueAttempts } from '../domain/enrichment-schedule';
import { formatMoney } from '../domain/money';
import { enrichmentSpend } from '../adapters/dynamo/enrichment-spend';
import type { Case } from '../schemas/case';
import { loadCaseContext, type CaseContext } from './case-context';
import { applyCaseEvent } from './apply-case-event';

/**
 * Enrichment (skip tracing) at the client's interval: attempt k of `attempts` is due
 * `k * intervalDays` after the case started, whatever phase the case is in then. Each due attempt
 * is an item in a per-day partition (`ENRICH#<date>`), written once when the case's first run
 * starts (whether that is a breathing space or outreach), so the daily sweep reads only what is
 * due that day instead of scanning every case.
 */
const dueKey = (date: string, caseId: string, attempt: number) => ({ pk: `ENRICH#${date}`, sk: `${caseId}#${attempt}` });
const SWEEP_KEY = { pk: 'SWEEP#enrichment', sk: 'SWEEP' };
/** Lookups in flight at once during a sweep. */
const SWEEP_CONCURRENCY = 16;
/** Due attempts whose cases are read together (one BatchGetItem). */
const SWEEP_CHUNK = 100;

/** Called when the case's first run is scheduled; the same case registered again writes the same items. */
export async function registerEnrichment(ctx: CaseContext): Promise<void> {
  const { attempts } = ctx.client.settings.enrichment;
  if (attempts <= 0) return;
  const items = dueAttempts(ctx.c.createdAt, ctx.client.settings.enrichment, todayIso()).map(({ attempt, dueDate }) => ({
    ...dueKey(dueDate, ctx.c.caseId, attempt),
    type: 'enrichment_due',
    caseId: ctx.c.caseId,
    attempt,
    of: attempts,
    dueDate,
  }));
  await batchPut(items);
}

export interface SweepReport {
  days: string[];
  due: number;
  looked: number;
  found: number;
  skipped: number;
  /** False when the time budget ran out first: the next invocation goes on where this one stopped. */
  complete: boolean;
}

export interface SweepOptions {
  /** Days swept at most in one invocation (after a long outage). @default 31 */
  maxDays?: number;
  /**
   * Epoch ms after which no new chunk is started (the invocation's time budget): what is left
   * stays in its day's partition and the sweep state keeps that day open, so the next
   * invocation continues there. One chunk is always taken, so every invocation progresses.
   * @default no limit
   */
  deadline?: number;
  /** Due attempts read and looked up together. @default 100 */
  chunk?: number;
}

/**
 * The daily sweep: every day since the last sweep up to today, each due attempt is taken (the
 * item is deleted before the paid lookup, so a lookup is never bought twice), the provider asked,
 * and new contact data handed to the phase machine (`enriched`), which starts the retry workflow.
 * A day counts as swept only once its partition is empty of due attempts; taken items are gone,
 * so a sweep cut short by its budget resumes by simply reading the day again.
 */
export async function sweepEnrichment(opts: SweepOptions = {}): Promise<SweepReport> {
  const maxDays = opts.maxDays ?? 31;
  const chunkSize = opts.chunk ?? SWEEP_CHUNK;
  const today = todayIso();
  const table = config().TABLE_NAME;
  const state = await dynamo().send(new GetCommand({ TableName: table, Key: SWEEP_KEY, ConsistentRead: true }));
  const last = (state.Item?.lastDate as string | undefined) ?? addDays(today, -1);
  const days: string[] = [];
  for (let d = addDays(last, 1); d <= today && days.length < maxDays; d = addDays(d, 1)) days.push(d);
  const report: SweepReport = { days, due: 0, looked: 0, found: 0, skipped: 0, complete: true };
  let chunks = 0;
  const outOfTime = () => chunks > 0 && opts.deadline !== undefined && Date.now() >= opts.deadline;
  for (const day of days) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ENRICH#${day}` }, ExclusiveStartKey: start }));
      // Lookups of different cases do not depend on each other: several in flight (a day can
      // hold thousands), each still taking its item before the paid lookup.
      const items = (page.Items ?? []) as DueAttempt[];
      // The cases of each chunk in one batched read rather than one read each, just before the
      // chunk's items are taken: a case that changed in between is caught by the phase change's
      // version check, and the chunk is small enough that a paid lookup for a case that closed
      // a moment ago stays rare.
      for (let i = 0; i < items.length; i += chunkSize) {
        if (outOfTime()) return { ...report, complete: false };
        const chunk = items.slice(i, i + chunkSize);
        report.due += chunk.length;
        const stored = await cases.findMany(chunk.map((d) => d.caseId));
        await mapLimit(chunk, SWEEP_CONCURRENCY, (item) => enrichOne(item, stored.get(item.caseId), report));
        chunks++;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    await dynamo().send(new PutCommand({ TableName: table, Item: { ...SWEEP_KEY, type: 'sweep', lastDate: day } }));
  }
  return report;
}

interface DueAttempt {
  pk: string;
  sk: string;
  caseId: string;
  attempt: number;
  of: number;
}

async function enrichOne(item: DueAttempt, stored: Case | undefined, report: SweepReport): Promise<void> {
  const taken = await writeIf(new DeleteCommand({ TableName: config().TABLE_NAME, Key: { pk: item.pk, sk: item.sk }, ConditionExpression: 'attribute_exists(pk)' }));
  if (!taken) return; // another sweep took it
  // The phase change below starts from this context (its write still checks the version).
  const ctx = stored && (await loadCaseContext(stored.caseId, stored));
  // Due whatever the phase: contact data found in a breathing space, a hold or a plan is kept on
  // the case for the sends that follow (only outreach and retry start a retry run at once).
  // A closed case needs no lookup.
  if (!ctx || ctx.c.phase === 'closed') {
    report.skipped++;
    return;
  }
  const { c } = ctx;
  report.looked++;
  const source = `skip trace attempt ${item.attempt} of ${item.of}`;
  let found;
  try {
    found = await skipTrace(c.caseId, c.debtor);
  } catch (e) {
    // Not answered, not charged.
    logger.warn('skip trace failed', { caseId: c.caseId, attempt: item.attempt, error: (e as Error).message });
    await timeline.append(c.caseId, { type: 'enrichment_failed', message: `${source} failed: ${(e as Error).message}` });
    return;
  }
  // An answered lookup is bought: the client's counter first (an ADD, never refused), then the
  // case, where the phase change adds it to the case's total and its timeline entry.
  const { finances } = ctx.client;
  const cost = { amountMinor: finances.enrichmentCostMinor ?? 0, currency: finances.currency };
  await enrichmentSpend.add(c.clientId, cost.currency, cost.amountMinor);
  const r = await applyCaseEvent(c.caseId, { type: 'enriched', contacts: found, source, cost }, { known: ctx });
  if (!r.ok) {
    // The case closed while the lookup ran: the lookup was paid all the same, so say so.
    await timeline.append(c.caseId, { type: 'enrichment_after_close', message: `${source} answered after the case closed; cost ${formatMoney(cost.amountMinor, cost.currency)}`, data: { costMinor: cost.amountMinor, currency: cost.currency } });
    return;
  }
  if (r.result.case.phase === 'retry' && r.result.actions.some((a) => a.type === 'start_workflow')) report.found++;
}
