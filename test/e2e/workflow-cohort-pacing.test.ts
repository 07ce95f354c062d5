import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { comms, events, sesMail, setUpClient, uploadCases, type Debtor } from '../support/workflows';

// SES local enforces SES's default sending rate (1 email per second) as SES does.
let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const cohort = (prefix: string, n: number): Debtor[] =>
  Array.from({ length: n }, (_, i) => ({ ref: `${prefix}${i}`, name: `Debtor ${prefix}${i}`, email: `${prefix.toLowerCase()}${i}@example.com`, amount: '100.00', portfolio: 'no-breathing' }));

const advanceTo = async (iso: string) => expect((await stack.api.post('/local/clock/advance', { to: iso })).status).toBe(200);

it('a burst beyond the SES sending rate is throttled by SES and still delivered, each email once, none given up', async () => {
  const { api } = stack;
  // Steps not spread (the test client's setting): every day-0 email of a file that arrived at
  // night is due at 08:00 at once, twelve emails in one second at a quota of one.
  const { clientId } = await setUpClient(api, { companyInfo: { name: 'Burst Energy' } });
  await advanceTo('2026-01-05T21:00:00.000Z');
  const cases = Object.values(await uploadCases(api, stack.urls.s3, clientId, cohort('B', 12), 'burst.csv'));
  await advanceTo('2026-01-06T20:00:00.000Z');

  const throttled: string[] = [];
  for (const c of cases) {
    const emails = (await comms(api, c.caseId)).filter((m) => m.channel === 'email');
    expect(emails.map((m) => m.status)).toEqual(['sent']);
    const tl = await events(api, c.caseId);
    expect(tl.filter((e) => e.type === 'step_failed')).toEqual([]);
    throttled.push(...tl.filter((e) => e.type === 'message_failed').map((e) => e.message));
  }
  // SES refused most of the burst for its rate; the step's Retry (backoff with jitter) brought each back apart.
  expect(throttled.length).toBeGreaterThanOrEqual(11);
  for (const m of throttled) expect(m).toMatch(/Maximum sending rate exceeded/);
  const mail = (await sesMail(stack.urls.ses)).filter((m) => /^b\d+@example\.com$/.test(m.destination.to[0]));
  expect(mail).toHaveLength(12);
  expect(new Set(mail.map((m) => m.destination.to[0])).size).toBe(12);
});

it('spread over the contact hours, a cohort due at one instant goes out paced, each case at its own point of the window', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api, { companyInfo: { name: 'Paced Energy' } });
  expect((await api.patch(`/clients/${clientId}`, { settings: { workflow: { contactHours: { spread: true } } } })).status).toBe(200);
  // 20:00: the hours are over; the day-0 emails are due at 08:00 tomorrow, all at one instant.
  const cases = Object.values(await uploadCases(api, stack.urls.s3, clientId, cohort('P', 12), 'paced.csv'));
  await advanceTo('2026-01-07T20:00:00.000Z');

  const sentAt: string[] = [];
  for (const c of cases) {
    const emails = (await comms(api, c.caseId)).filter((m) => m.channel === 'email');
    expect(emails.map((m) => m.status)).toEqual(['sent']);
    sentAt.push(emails[0].at);
  }
  for (const at of sentAt) {
    expect(at >= '2026-01-07T08:00:00.000Z' && at < '2026-01-07T20:00:00.000Z').toBe(true);
  }
  // Apart, not at 08:00 together: (nearly) every case in a second of its own.
  expect(new Set(sentAt.map((at) => at.slice(0, 19))).size).toBeGreaterThanOrEqual(11);
  expect(sentAt.filter((at) => at.startsWith('2026-01-07T08:00:0'))).toHaveLength(sentAt.filter((at) => at === '2026-01-07T08:00:00.000Z').length);
});
