import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { advanceDays, setUpClient, uploadCases } from '../support/workflows';

/**
 * The longest plan a case may agree (120 monthly instalments, ten years) with an email, an SMS
 * and a voice reminder before each: it runs to the end inside the Step Functions quotas the
 * local engine enforces (256 KiB per state input and output, 25,000 history events, one year
 * per execution), continuing as new executions, and every reminder goes out once.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function allComms(caseId: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  do {
    const r = await stack.api.get(`/cases/${caseId}/communications?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...r.body.items);
    cursor = r.body.cursor;
  } while (cursor);
  return out;
}

it('a 120-instalment plan with email, SMS and voice reminders runs to the end: every reminder once, no execution failed', async () => {
  const { api } = stack;
  const reminder = (type: string) => ({ type, on: 'reminder', template: 'first-notice' });
  const { clientId } = await setUpClient(api, { companyInfo: { name: 'Decade Energy' } });
  const patched = await api.patch(`/clients/${clientId}`, { workflows: { paymentPlan: [reminder('email'), reminder('sms'), reminder('voice')] } });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  const c = (await uploadCases(api, stack.urls.s3, clientId, [{ ref: 'D1', name: 'Dana Decade', email: 'dana@example.com', phone: '+447700900123', amount: '1200.00', portfolio: 'no-breathing' }])).D1;
  await advanceDays(api, 1);

  const today = stack.clock.now().toISOString().slice(0, 10);
  const due = (k: number) => new Date(Date.parse(`${today}T00:00:00Z`) + 30 * (k + 1) * 86_400_000).toISOString().slice(0, 10);
  const owed = (await api.get(`/cases/${c.caseId}`)).body.balance.outstandingMinor as number;
  const part = Math.floor(owed / 120);
  const installments = Array.from({ length: 120 }, (_, k) => ({ dueDate: due(k), amountMinor: k < 119 ? part : owed - 119 * part }));
  const planned = await api.post(`/cases/${c.caseId}/payment-plan`, { installments });
  expect(planned.status, JSON.stringify(planned.body)).toBe(201);

  // Each instalment paid on its due date, after its reminders went out.
  for (const [k, i] of installments.entries()) {
    await advanceDays(api, 30);
    const amountMinor = k < 119 ? i.amountMinor : (await api.get(`/cases/${c.caseId}`)).body.balance.outstandingMinor;
    const paid = await api.post(`/cases/${c.caseId}/payments`, { amountMinor, method: 'bank', reference: `PAY-${k}` });
    expect(paid.status, `instalment ${k + 1}: ${JSON.stringify(paid.body)}`).toBe(201);
  }

  expect((await api.get(`/cases/${c.caseId}`)).body).toMatchObject({ phase: 'closed', closedReason: 'paid_in_full' });
  const reminders = (await allComms(c.caseId)).filter((x) => x.workflow.startsWith('paymentPlan'));
  for (const channel of ['email', 'sms', 'voice']) {
    const sent = reminders.filter((x) => x.channel === channel);
    expect(sent.map((x) => x.status), channel).toEqual(Array(120).fill('sent'));
    expect(new Set(sent.map((x) => x.key)).size, channel).toBe(120);
  }
  const runs = (await api.get(`/local/step-functions/executions?name=${c.caseId}-paymentPlan`)).body.items as { status: string; historyEvents: number; input: string }[];
  // Ten years: a new execution before each one's year is out; none failed or timed out (the
  // last one is stopped by the payment that closed the case).
  expect(runs.length).toBeGreaterThanOrEqual(10);
  expect(runs.filter((r) => r.status === 'FAILED' || r.status === 'TIMED_OUT')).toEqual([]);
  expect(runs.filter((r) => r.status === 'SUCCEEDED').length).toBe(runs.length - 1);
  for (const r of runs) {
    expect(r.historyEvents).toBeLessThan(25_000);
    expect(Buffer.byteLength(r.input)).toBeLessThan(262_144);
  }
}, 240_000);
