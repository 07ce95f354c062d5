import { batchGet, batchPut, mapLimit, type RequestLimiter } from '../adapters/dynamo/batch';
import { cases, timelineItem } from '../adapters/dynamo/case-repository';
import { importIndex } from '../adapters/dynamo/import-repository';
import { keys as tableKeys } from '../adapters/dynamo/keys';
import { sendStarts } from '../adapters/start-queue';
import type { ChunkPlan } from '../domain/import-plan';

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
  await Promise.all([batchPut(items, { limiter }), mapLimit(plan.mergedCases, limiter.max, (m) => limiter.run(() => cases.replace(m.next)))]);
  await sendStarts(plan.starts);
}
