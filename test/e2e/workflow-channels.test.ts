import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { advanceDays, comms, events, setUpClient, uploadCases } from '../support/workflows';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let cases: Record<string, any>;
beforeAll(async () => {
  stack = await startTestStack();
  const { clientId } = await setUpClient(stack.api);
  const { api } = stack;
  // Arranged before the upload: C2's calls are never answered, C3's SMS provider fails on the first two task attempts (3 SDK tries each).
  expect((await api.post('/local/outbox/calls', { phone: '+447700900002', outcomes: ['unanswered', 'unanswered', 'failed', 'unanswered', 'unanswered'] })).status).toBe(200);
  cases = await uploadCases(api, stack.urls.s3, clientId, [
    { ref: 'C1', name: 'Bo Breathing', email: 'bo@example.com', phone: '+447700900001', amount: '50.00' },
    { ref: 'C2', name: 'Cal Unanswered', email: 'cal@example.com', phone: '+447700900002', postcode: 'LS2 2BB', amount: '80.00', portfolio: 'no-breathing' },
    { ref: 'C3', name: 'Sam Flaky', email: 'sam@example.com', phone: '+447700900003', amount: '90.00', portfolio: 'no-breathing' },
    { ref: 'C4', name: 'Nora Nophone', email: 'nora@example.com', amount: '40.00', portfolio: 'no-breathing' },
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

it('a portfolio with breathing space off starts outreach at import, charges applied then', async () => {
  const { api } = stack;
  const c1 = (await api.get(`/cases/${cases.C1.caseId}`)).body;
  const c2 = (await api.get(`/cases/${cases.C2.caseId}`)).body;
  expect(c1.phase).toBe('breathing_space');
  expect(c1.balance.costsMinor).toBe(0);
  expect(c2.phase).toBe('outreach');
  expect(c2.balance.costsMinor).toBe(2500);
  await advanceDays(api, 0.5);
  expect((await comms(api, cases.C2.caseId)).map((c) => `${c.channel}:${c.status}`)).toEqual(['email:sent']);
  expect(await comms(api, cases.C1.caseId)).toEqual([]);
});

it('an SMS provider failing on two task attempts, then succeeding, sends exactly once', async () => {
  const { api } = stack;
  // Day 3 is the SMS node of C2 and C3; C2's next 6 SNS requests fail (two task attempts of three SDK tries each).
  await advanceDays(api, 2);
  expect((await api.post('/local/outbox/faults', { service: 'sns', count: 6, to: '+447700900002' })).status).toBe(200);
  await advanceDays(api, 0.5); // day 3, 09:00: the SMS; Step Functions retries a refused one 30 s, then 2 minutes later
  const refused = (await comms(api, cases.C2.caseId)).filter((c) => c.channel === 'sms');
  expect(refused.map((c) => c.status)).toEqual(['failed']);
  await advanceDays(api, 0.01);
  const failures: Record<string, number> = {};
  for (const [ref, phone] of [['C2', '+447700900002'], ['C3', '+447700900003']] as const) {
    const sms = (await comms(api, cases[ref].caseId)).filter((c) => c.channel === 'sms');
    expect(sms.map((c) => c.status)).toEqual(['sent']);
    expect((await api.get(`/local/outbox?service=sns&to=${encodeURIComponent(phone)}`)).body.items).toHaveLength(1);
    // The SMS refusals only: the day-0 emails of these cases met in one second, over SES's rate, and were retried too.
    const failed = (await events(api, cases[ref].caseId)).filter((e) => e.type === 'message_failed' && e.data?.channel === 'sms');
    for (const f of failed) expect(f.message).toMatch(/SMS not sent: SNS.*the step tries again if it has retries left, else it is given up/);
    failures[ref] = failed.length;
  }
  // C2's first two task attempts failed (Step Functions retried them); no case got a second SMS.
  expect(failures).toEqual({ C2: 2, C3: 0 });
});

it('a node whose contact detail is missing is skipped with a reason, and the walk goes on', async () => {
  const { api } = stack;
  const c4 = await comms(api, cases.C4.caseId);
  expect(c4.map((c) => `${c.channel}:${c.status}`)).toEqual(['email:sent', 'sms:skipped']);
  expect(c4[1].reason).toBe('no phone number on the case');
  expect((await events(api, cases.C4.caseId)).some((e) => e.type === 'message_skipped' && /no phone number/.test(e.message))).toBe(true);
});

it('call retries are capped at 1 + maxPhoneCallRetries attempts; the walk then goes on', async () => {
  const { api } = stack;
  await advanceDays(api, 5); // day 8: past the call on day 7
  const calls = (await comms(api, cases.C2.caseId)).filter((c) => c.channel === 'call');
  expect(calls.map((c) => [c.attempt, c.status, c.reason])).toEqual([
    [1, 'failed', 'not answered'],
    [2, 'failed', 'not answered'],
    [3, 'failed', 'call failed'],
  ]);
  // Each outcome is read when the Task's Retry comes back, 15 minutes on: so are the next attempts placed.
  const placed = calls.map((c) => Date.parse(c.at));
  expect([placed[1]! - placed[0]!, placed[2]! - placed[1]!]).toEqual([15 * 60_000, 15 * 60_000]);
  expect((await api.get('/local/outbox?service=connect&to=%2B447700900002')).body.items).toHaveLength(3);
  expect((await events(api, cases.C2.caseId)).some((e) => e.type === 'call_gave_up')).toBe(true);
  // C3's call was answered at the first attempt.
  expect((await comms(api, cases.C3.caseId)).filter((c) => c.channel === 'call').map((c) => c.reason)).toEqual(['answered']);
  // Day 14: a PDF letter, stored and handed to the print service; C3 has no address, so its letter is skipped.
  await advanceDays(api, 6.5);
  const letter = (await comms(api, cases.C2.caseId)).find((c) => c.channel === 'letter');
  expect(letter).toMatchObject({ status: 'sent', recipient: '5 Low Rd, LS2 2BB, Leeds' });
  const job = (await api.get('/local/outbox?service=print')).body.items[0];
  // The print service gets a short-lived presigned GET of the PDF, not a key of the private bucket.
  expect(job.body).not.toHaveProperty('bucket');
  expect(job.body.pdfUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/recoup-letters\/letters\/.+\.pdf\?.*X-Amz-Signature=/);
  expect(new URL(job.body.pdfUrl).searchParams.get('X-Amz-Expires')).toBe('900');
  const pdf = await fetch(job.body.pdfUrl);
  expect(pdf.status).toBe(200);
  // The bucket itself is private: the same object without the signature is refused.
  expect((await fetch(job.body.pdfUrl.split('?')[0])).status).toBe(403);
  expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  expect((await comms(api, cases.C3.caseId)).find((c) => c.channel === 'letter')).toMatchObject({ status: 'skipped' });
});

it('enrichment at the client interval finds a new phone: the case moves to retry and is contacted on it', async () => {
  const { api } = stack;
  expect((await api.post('/local/outbox/skip-trace', { caseId: cases.C4.caseId, found: { phone: '+447700900444' } })).status).toBe(200);
  await advanceDays(api, 16); // day 30.5: first enrichment attempt due (30 days after the case started)
  const c4 = (await api.get(`/cases/${cases.C4.caseId}`)).body;
  expect(c4.debtor.phone).toBe('+447700900444');
  const tl = await events(api, cases.C4.caseId);
  expect(tl.filter((e) => e.type === 'phase_changed').map((e) => e.message)).toContain('outreach -> retry: new phone found');
  // The retry list has one node (an SMS at day 0); when it finished the case went back to outreach.
  expect(c4.phase).toBe('outreach');
  const retrySms = (await comms(api, cases.C4.caseId)).filter((c) => c.workflow === 'retry');
  expect(retrySms.map((c) => `${c.channel}:${c.status}:${c.recipient}`)).toEqual(['sms:sent:+447700900444']);
  // Cases where the provider found nothing stay in outreach; each lookup is recorded.
  expect((await api.get(`/cases/${cases.C3.caseId}`)).body.phase).toBe('outreach');
  expect((await events(api, cases.C3.caseId)).some((e) => e.type === 'enrichment_no_news')).toBe(true);
});
