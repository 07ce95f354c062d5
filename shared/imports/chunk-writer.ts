import { batchGet, batchPut, mapLimit, type RequestLimiter } from '../adapters/dynamo/batch';
import { cases, timelineItem } from '../adapters/dynamo/case-repository';
import { importIndex } from '../adapters/dynamo/import-repository';
import { keys as tableKeys } from '../adapters/dynamo/keys';
import { sendStarts } from '../adapters/start-queue';
import { nowIso } from '../adapters/clock';
import { countCaseChanges } from '../adapters/dynamo/figure-counters';
import type { ChunkPlan } from '../domain/import-plan';
import type { Case } from '../schemas/case';

/**
 * Writes a planned chunk: new cases, timeline items, index items in BatchWrites of 25, merged
 * cases with their version check (a ConflictError when one changed), then the chunk's workflow
 * starts. Every write is idempotent, so a replayed chunk lands once. `recovering`: an earlier
 * attempt may have written part of it, so a new case that exists already is kept as it is.
 */
export async function writeChunkPlan(clientId: string, plan: ChunkPlan, recovering: boolean, limiter: RequestLimiter): Promise<void> {
  let newCases = plan.newCases;
  if (recovering && newCases.length) {
    // Cases an earlier attempt created may already be in use (a workflow started): keep them as they are.
    const existing = await batchGet(newCases.map((c) => tableKeys.case(c.caseId)), { projection: ['pk'], limiter });
    newCases = newCases.filter((c) => !existing.has(tableKeys.case(c.caseId).pk));
  }
  const items: Record<string, unknown>[] = [
    ...newCases.map((c) => cases.toItem(c)),
    ...plan.events.map((e) => timelineItem(e.caseId, e.event, e.eventId)),
    ...[...plan.keys].map(([k, r]) => importIndex.keyItem(clientId, k, r)),
    ...[...plan.invoices].map(([n, r]) => importIndex.invoiceItem(clientId, n, r)),
  ];
  const at = nowIso();
  // The counters follow the writes they count, summed over the chunk (one ADD per counter item,
  // not per row). Only what this attempt wrote is counted: a case an earlier attempt created was
  // filtered out above, and a merge is counted only once its versioned write succeeded (a replay
  // finds the invoice on the case and plans no merge).
  const merged: { before: Case | undefined; after: Case }[] = [];
  let mergeError: unknown;
  await Promise.all([
    (async () => {
      await batchPut(items, { limiter });
      await countCaseChanges(newCases.map((c) => ({ before: undefined, after: c })), at);
    })(),
    mapLimit(plan.mergedCases, limiter.max, async (m) => {
      try {
        const after = await limiter.run(() => cases.replace(m.next));
        if (m.before) merged.push({ before: m.before, after });
      } catch (e) {
        mergeError ??= e;
      }
    }),
  ]);
  await countCaseChanges(merged, at);
  if (mergeError) throw mergeError;
  await sendStarts(plan.starts);
}
