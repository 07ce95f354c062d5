import { afterAll, beforeAll, expect, it } from 'vitest';
import { nowIso } from '../../shared/adapters/clock';
import { communications } from '../../shared/adapters/dynamo/case-repository';
import { clearCaseContextCache, loadCaseContext } from '../../shared/workflow/case-context';
import { claimStep } from '../../shared/workflow/claim-step';
import { ProviderUnavailableError } from '../../shared/workflow/deliver';
import { channelStep, type StepEvent } from '../../shared/workflow/steps';
import { startTestStack } from '../support/local-stack';
import { advanceDays, comms, events, sendingRecord, setUpClient, uploadCases } from '../support/workflows';

/**
 * A step's send when something runs beside it or before it: a hold recorded while the step is
 * between its read of the case and its send, a twin invocation of the same step, and Step
 * Functions running a step again after it sent, or after it claimed the send and stopped, and
 * a send the provider refused whose retry a hold cut short.
 * The steps run in this process against the same local stack, each on a case of its own in
 * outreach whose day-0 email has gone out; the step is outreach's SMS (node 1).
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
const PHONES = { hold: '+447700900071', twins: '+447700900072', replay: '+447700900073', crash: '+447700900074', refused: '+447700900075', killed: '+447700900078' } as const;
type Which = keyof typeof PHONES;
const caseIds = {} as Record<Which, string>;

beforeAll(async () => {
  stack = await startTestStack();
  const { clientId } = await setUpClient(stack.api);
  const refs = Object.keys(PHONES) as Which[];
  const cases = await uploadCases(
    stack.api,
    stack.urls.s3,
    clientId,
    refs.map((ref, i) => ({ ref, name: `Rae Race ${i}`, email: `rae${i}@example.com`, phone: PHONES[ref], amount: '60.00', portfolio: 'no-breathing' })),
  );
  for (const ref of refs) caseIds[ref] = cases[ref].caseId;
  await advanceDays(stack.api, 0.25); // the day-0 emails of outreach have gone out; 15:00, inside the contact hours
});
afterAll(async () => {
  await stack?.stop();
});

/** Reads the case as a step's guard would, and the SMS step of its current outreach run. */
async function smsStep(which: Which) {
  clearCaseContextCache();
  const context = await loadCaseContext(caseIds[which]);
  expect(context.c.phase).toBe('outreach');
  const step: StepEvent = {
    caseId: caseIds[which],
    kind: 'mainOutreach',
    seq: context.c.workflow!.seq,
    execution: context.c.workflow!.executionName,
    step: { at: nowIso(), index: 1, node: { type: 'sms', template: 'first-notice' } },
  };
  return { context, step };
}

const smsSentTo = async (which: Which) => (await stack.api.get(`/local/outbox?service=sns&to=${encodeURIComponent(PHONES[which])}`)).body.items;
const smsRecords = async (which: Which) => (await comms(stack.api, caseIds[which])).filter((c) => c.channel === 'sms').map((c) => [c.status, c.reason]);

it('a step that read the case before a hold sends nothing after it', async () => {
  const { context, step } = await smsStep('hold');
  expect((await stack.api.post(`/cases/${caseIds.hold}/hold`, { reason: 'dispute', note: 'debtor disputes the invoice' })).status).toBe(200);
  const out = await channelStep(step, 'sms', context);

  expect(out).toEqual({ status: 'skipped', reason: 'the case is on hold (dispute)' });
  expect(await smsSentTo('hold')).toEqual([]);
  expect(await smsRecords('hold')).toEqual([['skipped', 'the case is on hold (dispute)']]);
});

it('two invocations of the same step at once send one SMS', async () => {
  const { context, step } = await smsStep('twins');
  const outs = await Promise.all([channelStep(step, 'sms', context), channelStep(step, 'sms', context)]);

  expect(outs.map((o) => o.status).sort()).toEqual(['duplicate', 'sent']);
  expect(await smsSentTo('twins')).toHaveLength(1);
  expect(await smsRecords('twins')).toEqual([['sent', undefined]]);
});

it('a step run again after it sent sends nothing', async () => {
  const first = await smsStep('replay');
  expect(await channelStep(first.step, 'sms', first.context)).toEqual({ status: 'sent' });
  const again = await smsStep('replay');
  expect(await channelStep(again.step, 'sms', again.context)).toEqual({ status: 'duplicate' });

  expect(await smsSentTo('replay')).toHaveLength(1);
  expect(await smsRecords('replay')).toEqual([['sent', undefined]]);
});

it('a step run again after its first try claimed the case and stopped before the provider was called sends the message once', async () => {
  // The first try (a Lambda timeout, or `npm start` killed mid-advance): its write of the case
  // claims the step, then it stops before its record of the send.
  const first = await smsStep('killed');
  expect(await claimStep({ kind: 'mainOutreach', execution: first.step.execution, index: 1 }, first.context).commit(first.context)).toMatchObject({ claimedBefore: false });
  const again = await smsStep('killed');
  expect(await channelStep(again.step, 'sms', again.context)).toEqual({ status: 'sent' });

  expect(await smsSentTo('killed')).toHaveLength(1);
  expect(await smsRecords('killed')).toEqual([['sent', undefined]]);
});

it('a step run again after its first try was sending and stopped sends nothing and records the outcome as unknown', async () => {
  // The first try claims the case and records the send as going out, then stops (a crash or a
  // timeout) before it records what the provider answered.
  const first = await smsStep('crash');
  expect(await claimStep({ kind: 'mainOutreach', execution: first.step.execution, index: 1 }, first.context).commit(first.context)).toMatchObject({ claimedBefore: false });
  expect(await communications.claim(caseIds.crash, sendingRecord(first.step, 'sms', first.context.c.clientId))).toBe(true);
  const again = await smsStep('crash');
  expect(await channelStep(again.step, 'sms', again.context)).toEqual({ status: 'duplicate' });

  expect(await smsSentTo('crash')).toEqual([]);
  const [record] = await smsRecords('crash');
  expect(record![0]).toBe('unknown');
  expect(record![1]).toMatch(/not sent again/);
});

it('a send the provider refused, whose retry a hold cut short, goes out once after the release', async () => {
  const { api } = stack;
  const id = caseIds.refused;
  // One task attempt's worth of provider errors (the SMS client tries 3 times).
  expect((await api.post('/local/outbox/faults', { service: 'sns', count: 3, to: PHONES.refused })).status).toBe(200);
  const { context, step } = await smsStep('refused');
  await expect(channelStep(step, 'sms', context)).rejects.toBeInstanceOf(ProviderUnavailableError);
  expect((await smsRecords('refused')).map(([status]) => status)).toEqual(['failed']);

  // The hold stops the run before Step Functions' retry; the release resumes it.
  expect((await api.post(`/cases/${id}/hold`, { reason: 'investigation' })).status).toBe(200);
  expect((await api.post(`/cases/${id}/release`, {})).status).toBe(200);
  await advanceDays(api, 0.1);
  expect(await smsSentTo('refused')).toHaveLength(1);
  expect((await smsRecords('refused')).map(([status]) => status)).toEqual(['failed', 'sent']);

  // Another hold and release, and the rest of the outreach: the SMS is not sent again.
  expect((await api.post(`/cases/${id}/hold`, { reason: 'dispute' })).status).toBe(200);
  expect((await api.post(`/cases/${id}/release`, {})).status).toBe(200);
  await advanceDays(api, 10);
  expect(await smsSentTo('refused')).toHaveLength(1);
  expect((await smsRecords('refused')).map(([status]) => status)).toEqual(['failed', 'sent']);
  expect((await comms(api, id)).some((c) => c.channel === 'call' && c.status !== 'skipped')).toBe(true); // the walk went on after it
});

it('a send refused on every retry is given up with its step, and a later release does not send it', async () => {
  const { api } = stack;
  const phone = '+447700900076';
  const { clientId } = (await api.get(`/cases/${caseIds.hold}`)).body;
  // Every try of the SMS step fails: 4 task attempts (the first and 3 retries), 3 SDK tries each.
  expect((await api.post('/local/outbox/faults', { service: 'sns', count: 12, to: phone })).status).toBe(200);
  const id = (await uploadCases(api, stack.urls.s3, clientId, [{ ref: 'G1', name: 'Gus Givenup', email: 'gus@example.com', phone, amount: '70.00', portfolio: 'no-breathing' }], 'given-up.csv')).G1.caseId;
  await advanceDays(api, 4); // past the SMS on day 3

  const sms = (await comms(api, id)).filter((c) => c.channel === 'sms');
  expect(sms).toHaveLength(1);
  expect(sms[0]).toMatchObject({ status: 'failed' });
  expect(sms[0].reason).toMatch(/given up after the step's retries$/);
  expect(sms[0].retryable).toBe(false);
  const timeline = await events(api, id);
  expect(timeline.some((e) => e.type === 'step_failed')).toBe(true);
  // No entry promised a retry that never came: each failed try says what follows either way.
  const failures = timeline.filter((e) => e.type === 'message_failed');
  expect(failures.length).toBeGreaterThan(0);
  for (const f of failures) expect(f.message).not.toMatch(/retrying/);
  expect(failures.at(-1).message).toMatch(/else it is given up/);

  expect((await api.post(`/cases/${id}/hold`, { reason: 'investigation' })).status).toBe(200);
  expect((await api.post(`/cases/${id}/release`, {})).status).toBe(200);
  await advanceDays(api, 0.1);
  expect((await api.get(`/local/outbox?service=sns&to=${encodeURIComponent(phone)}`)).body.items).toEqual([]);
  expect((await comms(api, id)).filter((c) => c.channel === 'sms')).toHaveLength(1);
});
