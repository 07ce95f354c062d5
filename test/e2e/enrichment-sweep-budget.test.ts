import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchPut } from '../../shared/adapters/dynamo/batch';
import { sweepEnrichment } from '../../shared/workflow/enrichment';
import { startTestStack } from '../support/local-stack';

/**
 * The sweep's time budget: one invocation that runs out of time leaves the rest of the day to
 * the next one, which picks up exactly what is left (no attempt twice, none lost), and the day
 * counts as swept only when it is empty. The stack runs without its plugins: the sweep is
 * called directly, with a budget already spent.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack({ plugins: [] });
});
afterAll(async () => stack?.stop());

it('a sweep past its deadline stops after one chunk; the next invocations continue until the day is done', async () => {
  const day = stack.clock.now().toISOString().slice(0, 10);
  // Due attempts of cases that do not exist (closed and purged, say): each is taken and skipped.
  await batchPut(['A', 'B', 'C'].map((id) => ({ pk: `ENRICH#${day}`, sk: `GONE-${id}#1`, type: 'enrichment_due', caseId: `GONE-${id}`, attempt: 1, of: 1, dueDate: day })));
  const spent = () => ({ deadline: Date.now() - 1, chunk: 1 });

  const first = await sweepEnrichment(spent());
  expect(first).toMatchObject({ days: [day], due: 1, skipped: 1, complete: false });
  const second = await sweepEnrichment(spent());
  expect(second).toMatchObject({ days: [day], due: 1, skipped: 1, complete: false });
  const third = await sweepEnrichment(spent());
  expect(third).toMatchObject({ days: [day], due: 1, skipped: 1, complete: true });
  // The day is recorded as swept: nothing is read again.
  expect(await sweepEnrichment(spent())).toMatchObject({ days: [], due: 0, complete: true });
});
