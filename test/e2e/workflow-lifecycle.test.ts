import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { advanceDays, comms, events, sesMail, setUpClient, uploadCases } from '../support/workflows';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const sent = (items: any[]) => items.filter((c) => c.status === 'sent').map((c) => `${c.channel}:${c.workflow}:${c.node}`);

it('upload -> breathing space -> charges after 14 days -> outreach nodes at their days -> hold -> release resumes -> plan -> broken -> outreach -> paid in full -> closure email', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api);
  const cases = await uploadCases(api, stack.urls.s3, clientId, [{ ref: 'C1', name: 'Jane Doe', email: 'jane@example.com', phone: '+447700900001', postcode: 'LS1 1AA', amount: '100.00' }]);
  const c1 = cases.C1;
  expect(c1.phase).toBe('breathing_space');

  // Day 13: still in breathing space, no costs or interest.
  await advanceDays(api, 13);
  let c = (await api.get(`/cases/${c1.caseId}`)).body;
  expect(c.phase).toBe('breathing_space');
  expect(c.balance.costsMinor).toBe(0);
  expect((await events(api, c1.caseId)).map((e) => e.type)).not.toContain('charges_applied');

  // Day 14: charges applied once, outreach starts, its day-0 email goes out.
  await advanceDays(api, 1);
  c = (await api.get(`/cases/${c1.caseId}`)).body;
  expect(c.phase).toBe('outreach');
  expect(c.balance.costsMinor).toBe(2500);
  expect((await events(api, c1.caseId)).filter((e) => e.type === 'charges_applied')).toHaveLength(1);
  expect(sent(await comms(api, c1.caseId))).toEqual(['email:mainOutreach:0']);
  const mail = (await sesMail(stack.urls.ses)).filter((m) => m.destination.to.includes('jane@example.com'));
  expect(mail).toHaveLength(1);
  expect(mail[0].subject).toBe('Your outstanding balance with Acme Energy');
  expect(mail[0].body.text).toContain('Dear Jane Doe, you owe €125.');
  expect(mail[0].body.text).toContain('Acme Collections Ltd, registered in England 0123456');
  // That email went out with the breathing space's end step (same key, same guard); the outreach run starts after it.
  const runs = (await api.get(`/local/step-functions/executions?name=${c1.caseId}-mainOutreach`)).body.items;
  expect(runs).toHaveLength(1);
  expect(JSON.parse(runs[0].input).steps.map((s: any) => s.index)).toEqual([1, 2, 3, 4]);

  // Day 17 (outreach d3): the SMS.
  await advanceDays(api, 3);
  expect(sent(await comms(api, c1.caseId))).toEqual(['email:mainOutreach:0', 'sms:mainOutreach:1']);

  // Hold on day 18: the on-hold ticket is created, nothing else leaves for 20 days.
  await advanceDays(api, 1);
  const held = await api.post(`/cases/${c1.caseId}/hold`, { reason: 'dispute', note: 'says the meter was wrong' });
  expect(held.status).toBe(200);
  expect(held.body.phase).toBe('on_hold');
  expect((await api.post(`/cases/${c1.caseId}/hold`, { reason: 'dispute' })).status).toBe(409);
  await advanceDays(api, 20);
  expect(sent(await comms(api, c1.caseId))).toEqual(['email:mainOutreach:0', 'sms:mainOutreach:1', 'ticket:onHold:0']);
  expect((await events(api, c1.caseId)).filter((e) => e.type === 'ticket_created').map((e) => e.message)).toEqual(['ticket for an operator: Investigate the dispute']);

  // Release on day 38: outreach continues where it was (the call was 3 days away when the hold began).
  const released = await api.post(`/cases/${c1.caseId}/release`, {});
  expect(released.status).toBe(200);
  expect(released.body.phase).toBe('outreach');
  await advanceDays(api, 2);
  expect(sent(await comms(api, c1.caseId))).toHaveLength(3);
  await advanceDays(api, 1.02); // day 41: the call, and 15 minutes on, its outcome
  expect(sent(await comms(api, c1.caseId))).toEqual(['email:mainOutreach:0', 'sms:mainOutreach:1', 'ticket:onHold:0', 'call:mainOutreach:2']);
  expect((await comms(api, c1.caseId)).find((x) => x.channel === 'call').reason).toBe('answered');

  // Day 42: a payment plan of 3 instalments; reminders 3 days before each.
  await advanceDays(api, 1);
  c = (await api.get(`/cases/${c1.caseId}`)).body;
  const out = c.balance.outstandingMinor;
  const first = Math.floor(out / 3);
  const today = new Date(stack.clock.now()).toISOString().slice(0, 10);
  const due = (d: number) => new Date(Date.parse(`${today}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
  const planned = await api.post(`/cases/${c1.caseId}/payment-plan`, { installments: [{ dueDate: due(10), amountMinor: first }, { dueDate: due(20), amountMinor: first }, { dueDate: due(30), amountMinor: out - 2 * first }] });
  expect(planned.status).toBe(201);
  expect(planned.body.case.phase).toBe('payment_plan');
  await advanceDays(api, 6);
  expect(sent(await comms(api, c1.caseId)).filter((s) => s.startsWith('email:paymentPlan'))).toHaveLength(0);
  await advanceDays(api, 1); // due(10) - 3 days
  expect(sent(await comms(api, c1.caseId)).filter((s) => s.startsWith('email:paymentPlan'))).toHaveLength(1);
  // Instalment 1 paid on time; instalment 2 not: a late notice; instalment 3 not: the plan breaks and outreach resumes.
  expect((await api.post(`/cases/${c1.caseId}/payments`, { amountMinor: first, method: 'bank' })).status).toBe(201);
  await advanceDays(api, 15); // past due(20)
  let tl = await events(api, c1.caseId);
  expect(tl.filter((e) => e.type === 'plan_installment_checked').map((e) => e.data.outcome)).toEqual(['paid', 'late']);
  expect((await comms(api, c1.caseId)).filter((x) => x.workflow === 'paymentPlan:late' && x.status === 'sent')).toHaveLength(1);
  await advanceDays(api, 10); // past due(30)
  c = (await api.get(`/cases/${c1.caseId}`)).body;
  expect(c.phase).toBe('outreach');
  expect(c.paymentPlan.status).toBe('broken');

  // Payment in full: closed, with the closure email.
  const pay = await api.post(`/cases/${c1.caseId}/payments`, { amountMinor: c.balance.outstandingMinor });
  expect(pay.status).toBe(201);
  expect(pay.body.case.phase).toBe('closed');
  expect(pay.body.case.closedReason).toBe('paid_in_full');
  const closure = (await sesMail(stack.urls.ses)).filter((m) => m.subject === 'Paid in full: thank you');
  expect(closure).toHaveLength(1);
  expect((await api.post(`/cases/${c1.caseId}/payments`, { amountMinor: 100 })).status).toBe(409);

  // Closed: nothing more leaves.
  const before = (await comms(api, c1.caseId)).length;
  await advanceDays(api, 30);
  expect((await comms(api, c1.caseId)).length).toBe(before);
  tl = await events(api, c1.caseId);
  expect(tl.map((e) => e.type)).toContain('case_closed');
});
