import { afterAll, beforeAll, expect, it } from 'vitest';
import { nowIso } from '../../shared/adapters/clock';
import { startCall } from '../../shared/adapters/channels/connect';
import { communications } from '../../shared/adapters/dynamo/case-repository';
import { clearCaseContextCache, loadCaseContext } from '../../shared/workflow/case-context';
import { claimStep } from '../../shared/workflow/claim-step';
import { runCallStep, type StepEvent } from '../../shared/workflow/steps';
import { startTestStack } from '../support/local-stack';
import { advanceDays, comms, events, sendingRecord, setUpClient, uploadCases } from '../support/workflows';

/**
 * A call whose provider refuses it for now is retried as an SMS is: Amazon Connect failing on
 * the first two task attempts (three SDK tries each) still reaches the debtor, once.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
const PHONES = { voice: '+447700900081', call: '+447700900082', replay: '+447700900083' };

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

const only = (type: 'voice' | 'call') => ({
  workflows: { mainOutreach: [{ type, afterDays: 0, template: 'first-notice' }], breathingSpace: [], paymentPlan: [], onHold: [], retry: [] },
});

it('voice and call-centre calls refused by Connect on two task attempts are placed on the third, once each', async () => {
  const { api } = stack;
  const cases: Record<string, string> = {};
  for (const channel of ['voice', 'call'] as const) {
    const { clientId } = await setUpClient(api, only(channel));
    expect((await api.post('/local/outbox/faults', { service: 'connect', count: 6, to: PHONES[channel] })).status).toBe(200);
    const up = await uploadCases(api, stack.urls.s3, clientId, [{ ref: channel, name: `Vic ${channel}`, phone: PHONES[channel], amount: '30.00', portfolio: 'no-breathing' }], `${channel}.csv`);
    cases[channel] = up[channel].caseId;
  }
  await advanceDays(api, 0.25);

  for (const channel of ['voice', 'call'] as const) {
    const placed = (await api.get(`/local/outbox?service=connect&to=${encodeURIComponent(PHONES[channel])}`)).body.items;
    expect(placed, channel).toHaveLength(1);
    const records = (await comms(api, cases[channel]!)).filter((c) => c.channel === channel).map((c) => [c.attempt, c.status, c.reason]);
    expect(records, channel).toEqual([[1, 'sent', 'answered']]);
    const types = (await events(api, cases[channel]!)).map((e) => e.type);
    expect(types.filter((t) => t === 'message_failed'), channel).toHaveLength(2);
    expect(types, channel).toContain('call_answered');
    expect(types, channel).not.toContain('step_failed');
  }
});

it('a call step run again after its first try dialled and stopped, once that contact ended, dials no one', async () => {
  const { api } = stack;
  // The voice node is on day 3: on day 0 the test runs its step by hand, as Step Functions would.
  const { clientId } = await setUpClient(api, {
    workflows: { mainOutreach: [{ type: 'email', afterDays: 0, template: 'first-notice' }, { type: 'voice', afterDays: 3, template: 'first-notice' }], breathingSpace: [], paymentPlan: [], onHold: [], retry: [] },
  });
  const caseId = (await uploadCases(api, stack.urls.s3, clientId, [{ ref: 'R', name: 'Rita Replay', email: 'rita@example.com', phone: PHONES.replay, amount: '20.00', portfolio: 'no-breathing' }], 'replay.csv')).R.caseId;
  await advanceDays(api, 0.1);
  clearCaseContextCache();
  const context = await loadCaseContext(caseId);
  const step: StepEvent = {
    caseId,
    kind: 'mainOutreach',
    seq: context.c.workflow!.seq,
    execution: context.c.workflow!.executionName,
    step: { at: nowIso(), index: 1, node: { type: 'voice', template: 'first-notice' } },
  };
  // The first try: its write of the case claims the call, it records the call as going out,
  // Connect dials, and the try stops (a timeout) before it records the outcome.
  expect(await claimStep({ kind: 'mainOutreach', execution: step.execution, index: 1 }, context).commit(context)).toMatchObject({ claimedBefore: false });
  expect(await communications.claim(caseId, sendingRecord(step, 'voice', clientId))).toBe(true);
  await startCall({ purpose: 'voice', phone: PHONES.replay, script: 'hello', attributes: {}, idempotencyKey: `${caseId}:${step.execution}:1:1` });
  // The call ends; Connect would now start a new contact for the same ClientToken.
  await advanceDays(api, 5 / 1440);
  clearCaseContextCache();
  expect(await runCallStep(step, 'voice')).toMatchObject({ status: 'duplicate' });
  expect((await api.get(`/local/outbox?service=connect&to=${encodeURIComponent(PHONES.replay)}`)).body.items).toHaveLength(1);
  const [record] = (await comms(api, caseId)).filter((c) => c.channel === 'voice');
  expect(record).toMatchObject({ attempt: 1, status: 'unknown' });
});
