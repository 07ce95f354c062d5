import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { advanceDays, comms, events, sesMail, setUpClient, uploadCases, type Debtor } from '../support/workflows';

/** How cases and runs end: settlements (their email only when the client asks), closing by hand, a plan that breaks early, a plan longer than one execution may live. */
let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const balance = async (caseId: string) => (await stack.api.get(`/cases/${caseId}`)).body;
/**
 * A debtor of a new client (no breathing space), a day after import, on a plan of `count`
 * instalments due every `everyDays` days that covers what it owes.
 */
async function caseOnPlan(company: string, debtor: Debtor, count: number, everyDays: number) {
  const { api } = stack;
  const { clientId } = await setUpClient(api, { companyInfo: { name: company } });
  const c = (await uploadCases(api, stack.urls.s3, clientId, [{ ...debtor, portfolio: 'no-breathing' }]))[debtor.ref];
  await advanceDays(api, 1);
  const today = new Date(stack.clock.now()).toISOString().slice(0, 10);
  const due = (k: number) => new Date(Date.parse(`${today}T00:00:00Z`) + everyDays * (k + 1) * 86_400_000).toISOString().slice(0, 10);
  const owed = (await balance(c.caseId)).balance.outstandingMinor as number;
  const part = Math.floor(owed / count);
  const installments = Array.from({ length: count }, (_, k) => ({ dueDate: due(k), amountMinor: k < count - 1 ? part : owed - (count - 1) * part }));
  expect((await api.post(`/cases/${c.caseId}/payment-plan`, { installments })).status).toBe(201);
  return { c, installments };
}
const mailTo = async (address: string) => (await sesMail(stack.urls.ses)).filter((m) => m.destination.to.includes(address));

it('a settlement closes the case as settled once it is paid; the closure email goes out only when the client asks for it', async () => {
  const { api } = stack;
  // Two clients alike but for the settlement email (the reference client does not send it).
  const quiet = await setUpClient(api);
  const asks = await setUpClient(api, { companyInfo: { name: 'Asks Energy' } });
  expect((await api.patch(`/clients/${asks.clientId}`, { settings: { debtorCommunication: { emailOnCloseSettlement: true } } })).status).toBe(200);
  const q = (await uploadCases(api, stack.urls.s3, quiet.clientId, [{ ref: 'S1', name: 'Quinn Quiet', email: 'quinn@example.com', amount: '100.00', portfolio: 'no-breathing' }])).S1;
  const a = (await uploadCases(api, stack.urls.s3, asks.clientId, [{ ref: 'S2', name: 'Ada Asks', email: 'ada@example.com', amount: '100.00', portfolio: 'no-breathing' }])).S2;
  await advanceDays(api, 1);

  for (const c of [q, a]) {
    const agreed = await api.post(`/cases/${c.caseId}/settle`, { amountMinor: 8000 });
    expect(agreed.status).toBe(200);
    // Part of the settlement paid: the case stays open and the rest is still asked for.
    const part = await api.post(`/cases/${c.caseId}/payments`, { amountMinor: 3000, method: 'bank' });
    expect(part.status).toBe(201);
    expect(part.body.case.phase).toBe('outreach');
    const rest = await api.post(`/cases/${c.caseId}/payments`, { amountMinor: 5000, method: 'bank' });
    expect(rest.status).toBe(201);
    expect(rest.body.case.phase).toBe('closed');
    expect(rest.body.case.closedReason).toBe('settled');
    expect((await balance(c.caseId)).balance).toMatchObject({ paidMinor: 8000, outstandingMinor: 0 });
  }

  const closure = (m: any) => m.subject === 'Settled: your case is closed';
  expect((await mailTo('quinn@example.com')).filter(closure)).toHaveLength(0);
  expect((await comms(api, q.caseId)).filter((x) => x.workflow === 'closure')).toEqual([]);
  const sent = (await mailTo('ada@example.com')).filter(closure);
  expect(sent).toHaveLength(1);
  expect(sent[0].body.text).toContain('€80.00');
  expect((await comms(api, a.caseId)).filter((x) => x.workflow === 'closure').map((x) => x.status)).toEqual(['sent']);

  // Closed: outreach's later nodes never leave.
  const before = { q: (await comms(api, q.caseId)).length, a: (await comms(api, a.caseId)).length };
  await advanceDays(api, 30);
  expect((await comms(api, q.caseId)).length).toBe(before.q);
  expect((await comms(api, a.caseId)).length).toBe(before.a);
  // ...and no interest runs on a closed case.
  expect((await balance(q.caseId)).balance).toMatchObject({ outstandingMinor: 0, paidMinor: 8000 });
  const closedEntry = (await events(api, q.caseId)).find((e) => e.type === 'case_closed');
  expect(closedEntry.message).toMatch(/^case closed: settled; €\d+\.\d\d written off$/);
});

it('a payment posted twice with its reference (a client system retrying) is recorded once, even the one that closed the case', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api, { companyInfo: { name: 'Retry Pay Energy' } });
  const { R1 } = await uploadCases(api, stack.urls.s3, clientId, [{ ref: 'R1', name: 'Ray Retry', email: 'ray@example.com', amount: '100.00', portfolio: 'no-breathing' }]);
  const pay = (amountMinor: number, reference: string) => api.post(`/cases/${R1.caseId}/payments`, { amountMinor, reference, method: 'bank' });
  expect((await pay(4000, 'TX-1')).status).toBe(201);
  const again = await pay(4000, 'TX-1');
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ duplicate: true, payment: { reference: 'TX-1', amountMinor: 4000 }, case: { balance: { paidMinor: 4000 } } });
  const reused = await pay(1000, 'TX-1');
  expect(reused.status).toBe(409);
  expect(reused.body.error.code).toBe('duplicate_reference');

  const rest = (await balance(R1.caseId)).balance.outstandingMinor as number;
  expect((await pay(rest, 'TX-2')).body.case.phase).toBe('closed');
  const late = await pay(rest, 'TX-2');
  expect(late.status).toBe(200);
  expect(late.body.duplicate).toBe(true);
  expect((await balance(R1.caseId)).balance).toMatchObject({ paidMinor: 4000 + rest, creditMinor: 0 });
  expect((await events(api, R1.caseId)).filter((e) => e.type === 'payment_received')).toHaveLength(2);
});

it('cases closed by payments in the same second all get their closure email: a send over SES\'s rate is tried again inside the request, never a 500', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api, { companyInfo: { name: 'Burst Pay Energy' } });
  const debtors = ['B1', 'B2', 'B3'].map((ref) => ({ ref, name: `Bea ${ref}`, email: `bea.${ref.toLowerCase()}@example.com`, amount: '50.00', portfolio: 'no-breathing' }));
  const cs = await uploadCases(api, stack.urls.s3, clientId, debtors);
  await advanceDays(api, 1);
  const owed = await Promise.all(debtors.map(async (d) => (await balance(cs[d.ref].caseId)).balance.outstandingMinor as number));
  const paid = await Promise.all(debtors.map((d, i) => api.post(`/cases/${cs[d.ref].caseId}/payments`, { amountMinor: owed[i], method: 'bank' })));
  expect(paid.map((r) => [r.status, r.body.case.phase])).toEqual(debtors.map(() => [201, 'closed']));
  for (const d of debtors) {
    expect((await comms(api, cs[d.ref].caseId)).filter((x) => x.workflow === 'closure').map((x) => x.status)).toEqual(['sent']);
    expect((await mailTo(d.email)).filter((m) => m.subject === 'Paid in full: thank you')).toHaveLength(1);
  }
});

it('an operator closes cases by hand: withdrawn keeps what was owed, written off clears it; neither accrues interest nor sends anything again', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api, { companyInfo: { name: 'Closes Energy' } });
  const cs = await uploadCases(api, stack.urls.s3, clientId, [
    { ref: 'W1', name: 'Wim Withdrawn', email: 'wim@example.com', amount: '100.00', portfolio: 'no-breathing' },
    { ref: 'W2', name: 'Wendy Writeoff', email: 'wendy@example.com', amount: '100.00', portfolio: 'no-breathing' },
  ]);
  await advanceDays(api, 10);

  const refused = await api.post(`/cases/${cs.W1.caseId}/close`, { reason: 'paid_in_full' });
  expect(refused.status).toBe(400);
  expect(refused.body.error.details[0].field).toBe('reason');

  const owed = (await balance(cs.W1.caseId)).balance.outstandingMinor as number;
  const withdrawn = await api.post(`/cases/${cs.W1.caseId}/close`, { reason: 'withdrawn', note: 'the client took the case back' });
  expect(withdrawn.status).toBe(200);
  expect(withdrawn.body).toMatchObject({ phase: 'closed', closedReason: 'withdrawn' });
  const writtenOff = await api.post(`/cases/${cs.W2.caseId}/close`, { reason: 'written_off' });
  expect(writtenOff.body).toMatchObject({ phase: 'closed', closedReason: 'written_off', balance: { outstandingMinor: 0, writtenOffMinor: owed } });
  expect((await api.post(`/cases/${cs.W2.caseId}/close`, { reason: 'withdrawn' })).status).toBe(409);

  const sentBefore = (await comms(api, cs.W1.caseId)).length + (await comms(api, cs.W2.caseId)).length;
  await advanceDays(api, 60);
  expect((await comms(api, cs.W1.caseId)).length + (await comms(api, cs.W2.caseId)).length).toBe(sentBefore);
  expect((await balance(cs.W1.caseId)).balance.outstandingMinor).toBe(owed);
  const said = (await events(api, cs.W1.caseId)).map((e) => e.message);
  expect(said).toContain('case closed: withdrawn');
  expect(said.some((m) => m.includes('the client took the case back'))).toBe(true);
});

it('a plan broken before its last instalment stops its own execution: none of its later reminders is even tried', async () => {
  const { api } = stack;
  const { c } = await caseOnPlan('Breaks Energy', { ref: 'K1', name: 'Kim Breaks', email: 'kim@example.com', amount: '300.00' }, 4, 10);

  // Nothing paid: instalment 1 late, instalment 2 missed too: broken (the default threshold is 2) on day 21.
  await advanceDays(api, 60);
  const tl = await events(api, c.caseId);
  expect(tl.filter((e) => e.type === 'plan_installment_checked').map((e) => e.data.outcome)).toEqual(['late', 'broken']);
  expect((await balance(c.caseId)).phase).toBe('outreach');
  // Reminders for instalments 1 and 2 only, both sent; nothing of the plan recorded after it broke.
  const plan = (await comms(api, c.caseId)).filter((x) => x.workflow === 'paymentPlan');
  expect(plan.map((x) => `${x.template}:${x.status}`)).toEqual(['plan-reminder:sent', 'plan-reminder:sent']);
  const runs = (await api.get(`/local/step-functions/executions?name=${c.caseId}-paymentPlan`)).body.items;
  expect(runs.map((r: any) => r.status)).toEqual(['ABORTED']);
});

it('a 14-month payment plan continues as a new execution before the year is out, and every reminder goes out once', async () => {
  const { api } = stack;
  const { c, installments } = await caseOnPlan('Long Plan Energy', { ref: 'L1', name: 'Lee Long', email: 'lee@example.com', amount: '1400.00' }, 14, 30);

  // Each instalment paid on its due date; the last payment is whatever is outstanding then.
  let day = 0;
  for (const [k, i] of installments.entries()) {
    await advanceDays(api, 30 * (k + 1) - day);
    day = 30 * (k + 1);
    const amountMinor = k < 13 ? i.amountMinor : (await balance(c.caseId)).balance.outstandingMinor;
    const paid = await api.post(`/cases/${c.caseId}/payments`, { amountMinor, method: 'bank' });
    expect(paid.status, `instalment ${k + 1}: ${JSON.stringify(paid.body)}`).toBe(201);
  }

  const closed = await balance(c.caseId);
  expect(closed.phase).toBe('closed');
  expect(closed.closedReason).toBe('paid_in_full');
  // One reminder per instalment, each sent once, across the two executions of the plan.
  const reminders = (await comms(api, c.caseId)).filter((x) => x.workflow.startsWith('paymentPlan') && x.template === 'plan-reminder');
  expect(reminders.map((x) => x.status)).toEqual(Array(14).fill('sent'));
  expect(new Set(reminders.map((x) => x.key)).size).toBe(14);
  const runs = (await api.get(`/local/step-functions/executions?name=${c.caseId}-paymentPlan`)).body.items;
  expect(runs).toHaveLength(2);
  expect((await events(api, c.caseId)).filter((e) => e.type === 'workflow_continued')).toHaveLength(1);
});
