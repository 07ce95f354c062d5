import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';
import { advanceDays, comms, events, setUpClient, uploadCases } from '../support/workflows';

let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

it('a debtor who replied STOP gets no more SMS or calls; email and letters still go, and contact allowed again resumes them', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api);
  const { S1 } = await uploadCases(api, stack.urls.s3, clientId, [
    { ref: 'S1', name: 'Sol Stop', email: 'sol@example.com', phone: '+447700900777', postcode: 'LS1 1AA', amount: '100.00', portfolio: 'no-breathing' },
  ]);
  const { caseId } = S1;
  // Day 0 email went out; the reference outreach sends an SMS on day 3, calls on day 7, a letter on day 14.
  await advanceDays(api, 1);
  const stop = await api.post(`/cases/${caseId}/contact-preferences`, { sms: false, phone: false, note: 'replied STOP to the first notice' });
  expect(stop.status).toBe(200);
  expect(stop.body.contactAllowed).toEqual({ sms: false, phone: false });

  await advanceDays(api, 14);
  const byChannel = Object.fromEntries((await comms(api, caseId)).map((c) => [c.channel, `${c.status}${c.reason ? `: ${c.reason}` : ''}`]));
  expect(byChannel).toEqual({
    email: 'sent',
    sms: 'skipped: the debtor may not be contacted by sms',
    call: 'skipped: the debtor may not be contacted by phone',
    letter: 'sent',
  });
  expect((await events(api, caseId)).map((e) => e.message)).toContain('no more contact by SMS, phone: replied STOP to the first notice');

  // SMS allowed again: the retry workflow that new contact data starts on day 30 sends its SMS (calls stay stopped).
  const again = await api.post(`/cases/${caseId}/contact-preferences`, { sms: true });
  expect(again.body.contactAllowed).toEqual({ sms: true, phone: false });
  expect((await api.post('/local/outbox/skip-trace', { caseId, found: { email: 'sol.new@example.com' } })).status).toBe(200);
  await advanceDays(api, 16);
  const retry = (await comms(api, caseId)).filter((c) => c.workflow === 'retry');
  expect(retry.map((c) => `${c.channel}:${c.status}:${c.recipient}`)).toEqual(['sms:sent:+447700900777']);

  expect((await api.post(`/cases/${caseId}/contact-preferences`, { note: 'nothing named' })).status).toBe(400);
  expect((await api.post(`/cases/${caseId}/contact-preferences`, { fax: false })).status).toBe(400);
});
