import { afterAll, beforeAll, expect, it } from 'vitest';
import { allCases, dropClient, putCsv, waitForImport } from '../support/imports';
import { startTestStack } from '../support/local-stack';
import { advanceDays, comms, setUpClient } from '../support/workflows';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const sentAt = async (caseId: string) => (await comms(stack.api, caseId)).filter((c) => c.status === 'sent').map((c) => `${c.channel}@${c.at}`);

it('steps reach each debtor only in their own contact hours (08:00-20:00 local), whatever time the file arrived', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api);
  // The file arrives at 21:00 UTC: evening in London, the afternoon in New York.
  await advanceDays(api, 0.5);
  expect(stack.clock.now().toISOString()).toBe('2026-01-05T21:00:00.000Z');
  const csv = [
    'client_case_number,debtor_name,debtor_email,debtor_phone,debtor_country,debtor_timezone,invoice_number,due_date,amount,portfolio',
    'UK1,Lena London,lena@example.com,+447700900101,GB,,INV-UK1,2025-12-01,100.00,no-breathing',
    'NY1,Nate Newyork,nate@example.com,+12125550101,US,America/New_York,INV-NY1,2025-12-01,100.00,no-breathing',
  ].join('\n');
  const s3 = dropClient(stack.urls.s3);
  await putCsv(s3, `${clientId}/evening.csv`, csv);
  s3.destroy();
  expect((await waitForImport(api, clientId, { key: `${clientId}/evening.csv` })).status).toBe('completed');
  const imported = await allCases(api, clientId);
  const ids = Object.fromEntries(imported.map((c) => [c.clientCaseNumber, c.caseId]));
  // The file's zone, else the country's (GB keeps one clock).
  expect(Object.fromEntries(imported.map((c) => [c.clientCaseNumber, c.debtor.timezone]))).toEqual({ UK1: 'Europe/London', NY1: 'America/New_York' });

  // New York (16:00 there) gets its day-0 email now; London (21:00) at 08:00 tomorrow.
  await advanceDays(api, 0.01);
  expect(await sentAt(ids.NY1)).toEqual(['email@2026-01-05T21:00:00.000Z']);
  expect(await sentAt(ids.UK1)).toEqual([]);
  await advanceDays(api, 0.5);
  expect(await sentAt(ids.UK1)).toEqual(['email@2026-01-06T08:00:00.000Z']);

  // Day 3's SMS keeps the same rhythm: the first opening at or after 21:00 UTC three days on.
  await advanceDays(api, 3);
  expect(await sentAt(ids.NY1)).toEqual(['email@2026-01-05T21:00:00.000Z', 'sms@2026-01-08T21:00:00.000Z']);
  expect(await sentAt(ids.UK1)).toEqual(['email@2026-01-06T08:00:00.000Z', 'sms@2026-01-09T08:00:00.000Z']);
});

it('a client may narrow the hours, per portfolio too, and they are checked when set', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api, { companyInfo: { name: 'Office Hours Energy' } });
  const patched = await api.patch(`/clients/${clientId}`, { settings: { workflow: { contactHours: { from: 9, to: 17, timeZone: 'Europe/London' } } } });
  expect(patched.status).toBe(200);
  expect(patched.body.settings.workflow.contactHours).toEqual({ from: 9, to: 17, timeZone: 'Europe/London', spread: false });
  const bad = await api.patch(`/clients/${clientId}`, { settings: { workflow: { contactHours: { from: 18, to: 9 } } } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('settings.workflow.contactHours.to');
});

it('a call unanswered near the end of the contact hours is not tried again at night', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api, { companyInfo: { name: 'Late Call Energy' } });
  expect((await api.post('/local/outbox/calls', { phone: '+447700900202', outcomes: ['unanswered', 'unanswered', 'unanswered'] })).status).toBe(200);
  // Imported at 19:50 London: the outreach's day-7 call is placed at 19:50; its Retry comes back
  // to read the outcome 15 minutes later, when the next attempt would fall after 20:00.
  expect((await api.post('/local/clock/advance', { to: '2026-01-10T19:50:00.000Z' })).status).toBe(200);
  const csv = ['client_case_number,debtor_name,debtor_phone,debtor_country,invoice_number,due_date,amount,portfolio', 'LC1,Lou Late,+447700900202,GB,INV-LC1,2025-12-01,100.00,no-breathing'].join('\n');
  const s3 = dropClient(stack.urls.s3);
  await putCsv(s3, `${clientId}/late.csv`, csv);
  s3.destroy();
  await waitForImport(api, clientId, { key: `${clientId}/late.csv` });
  const [c] = await allCases(api, clientId);
  await advanceDays(api, 7.1);

  const calls = (await comms(api, c.caseId)).filter((x) => x.channel === 'call');
  expect(calls.map((x) => `${x.attempt}:${x.at}:${x.status}:${x.reason}`)).toEqual(['1:2026-01-17T19:50:00.000Z:failed:not answered']);
  const tl = (await api.get(`/cases/${c.caseId}/timeline?limit=100`)).body.items.map((e: { message: string }) => e.message);
  expect(tl).toContain("call attempt 1 of 3 not answered; the debtor's contact hours are over, so no more calls for this node");
});

it('a payment closing a case at 23:00 in the debtor\'s zone: the closure email waits for the contact hours and goes out at their start, once', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api, { companyInfo: { name: 'Late Payer Energy' } });
  const csv = ['client_case_number,debtor_name,debtor_email,debtor_country,invoice_number,due_date,amount,portfolio', 'PAY1,Paula Payer,paula@example.com,GB,INV-PAY1,2025-12-01,100.00,no-breathing'].join('\n');
  const s3 = dropClient(stack.urls.s3);
  await putCsv(s3, `${clientId}/late.csv`, csv);
  s3.destroy();
  expect((await waitForImport(api, clientId, { key: `${clientId}/late.csv` })).status).toBe('completed');
  const [c] = await allCases(api, clientId);
  // 23:00 in London (UTC in winter), on a day after the import.
  const now = stack.clock.now();
  const late = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 23));
  expect((await api.post('/local/clock/advance', { to: late.toISOString() })).status).toBe(200);
  const owed = (await api.get(`/cases/${c.caseId}`)).body.balance.outstandingMinor;
  const paid = await api.post(`/cases/${c.caseId}/payments`, { amountMinor: owed, receivedAt: late.toISOString(), reference: 'LATE-1' });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  expect(paid.body.case.phase).toBe('closed');
  const closure = async () => (await comms(api, c.caseId)).filter((m) => m.workflow === 'closure');
  expect(await closure()).toEqual([]);
  await advanceDays(api, 0.3); // 06:12 the next morning: still outside the hours
  expect(await closure()).toEqual([]);
  await advanceDays(api, 0.2); // past 08:00
  const opening = new Date(late.getTime() + 9 * 3_600_000).toISOString(); // 08:00 London
  expect((await closure()).map((m) => `${m.status}@${m.at}`)).toEqual([`sent@${opening}`]);
  await advanceDays(api, 1);
  expect(await closure()).toHaveLength(1);
});
