import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { advanceDays, comms, events, sesMail, setUpClient, uploadCases } from '../support/workflows';

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

it("each communication answers what was sent, as rendered; a letter's PDF as a short-lived presigned link, never its key", async () => {
  const { api } = stack;
  const c2 = await comms(api, cases.C2.caseId);
  const sent = (channel: string) => c2.find((c) => c.channel === channel && c.status === 'sent');
  // The email as SES got it: the debtor's name and the balance with the collection fee, formatted.
  const email = sent('email');
  expect({ subject: email.subject, text: email.text }).toEqual({
    subject: 'Your outstanding balance with Acme Energy',
    text: 'Dear Cal Unanswered, you owe €105.00 (ref C2).\n\n--\nAcme Collections Ltd, registered in England 0123456',
  });
  const mail = (await sesMail(stack.urls.ses)).find((m) => m.destination.to.includes('cal@example.com'));
  expect(mail).toMatchObject({ subject: email.subject, body: { text: email.text } });
  // The SMS and the call's script, as the providers got them.
  const sms = sent('sms');
  expect(sms.text).toMatch(/^Acme Energy: €105\.\d\d is overdue\. Reply STOP to opt out\.$/);
  expect((await api.get('/local/outbox?service=sns&to=%2B447700900002')).body.items.map((i: any) => i.body.message)).toEqual([sms.text]);
  expect(sms).not.toHaveProperty('subject');
  for (const call of c2.filter((c) => c.channel === 'call')) expect(call.text).toMatch(/^Dear Cal Unanswered, you owe €105\.\d\d \(ref C2\)\.$/);
  // The letter: subject and body, and a link to its PDF made at this read.
  const letter = sent('letter');
  expect(letter).toMatchObject({ subject: 'Your outstanding balance with Acme Energy', text: expect.stringMatching(/^Dear Cal Unanswered,\nWe still have not received €1\d\d\.\d\d\. Please pay now\.$/) });
  expect(letter).not.toHaveProperty('pdfKey');
  expect(JSON.stringify(c2)).not.toMatch(/"letters\//);
  const url = new URL(letter.pdfUrl);
  expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
  expect(Date.parse(letter.pdfUrlExpiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
  expect(Date.parse(letter.pdfUrlExpiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
  const pdf = await fetch(letter.pdfUrl);
  expect(pdf.status).toBe(200);
  expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  // A link edited to another object, or to a longer life, is refused by S3's signature check.
  const otherKey = letter.pdfUrl.replace(/([0-9a-f])\.pdf\?/, (_: string, d: string) => `${d === '0' ? '1' : '0'}.pdf?`);
  const longer = letter.pdfUrl.replace('X-Amz-Expires=900', 'X-Amz-Expires=604800');
  for (const tampered of [otherKey, longer]) {
    expect(tampered).not.toBe(letter.pdfUrl);
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  }
  // The client-wide list answers the same content and a link of its own.
  const listed = (await api.get(`/clients/${cases.C2.clientId}/communications?channel=letter&limit=100`)).body.items.find((c: any) => c.key === letter.key);
  expect(listed).toMatchObject({ subject: letter.subject, text: letter.text, debtorName: 'Cal Unanswered' });
  expect(listed).not.toHaveProperty('pdfKey');
  expect((await fetch(listed.pdfUrl)).status).toBe(200);
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
