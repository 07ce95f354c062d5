import { afterAll, beforeAll, expect, it } from 'vitest';
import { nowIso } from '../../shared/adapters/clock';
import { clearCaseContextCache, loadCaseContext } from '../../shared/workflow/case-context';
import { channelStep, type StepEvent } from '../../shared/workflow/steps';
import { startTestStack } from '../support/local-stack';
import { advanceDays, comms, setUpClient, uploadCases } from '../support/workflows';

/**
 * A hold recorded while a step is between its read of the case and its send: the step read
 * the case before the hold (its guard saw outreach), the operator's hold lands, then the step
 * carries on. Its claim on the case fails at the stale version, it reads and guards again, and
 * nothing leaves. The step runs in this process against the same local stack.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
let caseId: string;
beforeAll(async () => {
  stack = await startTestStack();
  const { clientId } = await setUpClient(stack.api);
  const cases = await uploadCases(stack.api, stack.urls.s3, clientId, [{ ref: 'R1', name: 'Rae Race', email: 'rae@example.com', phone: '+447700900071', amount: '60.00', portfolio: 'no-breathing' }]);
  caseId = cases.R1.caseId;
  await advanceDays(stack.api, 0.5); // the day-0 email of outreach has gone out
});
afterAll(async () => {
  await stack?.stop();
});

it('a step that read the case before a hold sends nothing after it', async () => {
  const { api } = stack;
  clearCaseContextCache();
  const before = await loadCaseContext(caseId);
  expect(before.c.phase).toBe('outreach');
  const step: StepEvent = {
    caseId,
    kind: 'mainOutreach',
    seq: before.c.workflow!.seq,
    execution: before.c.workflow!.executionName,
    step: { at: nowIso(), index: 1, node: { type: 'sms', template: 'first-notice' } },
  };

  expect((await api.post(`/cases/${caseId}/hold`, { reason: 'dispute', note: 'debtor disputes the invoice' })).status).toBe(200);
  const out = await channelStep(step, 'sms', before);

  expect(out).toEqual({ status: 'skipped', reason: 'the case is on hold (dispute)' });
  expect((await api.get(`/local/outbox?service=sns&to=${encodeURIComponent('+447700900071')}`)).body.items).toEqual([]);
  const sms = (await comms(api, caseId)).filter((c) => c.channel === 'sms');
  expect(sms.map((c) => [c.status, c.reason])).toEqual([['skipped', 'the case is on hold (dispute)']]);
});
