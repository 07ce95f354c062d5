import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nowIso } from '../../shared/adapters/clock';
import { recordStepFailure, runChannelStep } from '../../shared/workflow/steps';
import { startTestStack } from '../support/local-stack';
import { comms, setUpClient, uploadCases } from '../support/workflows';

/**
 * A closure email that waited for the contact hours and is refused for now on every try of its
 * step ends as any other step's send does: given up, and its record says so, not "will be retried".
 * SES's sending rate here is one email per 1,000 seconds, so once one email has gone the step's
 * send is refused for now, however slowly the machine runs.
 */
let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => {
  process.env.SES_MAX_SEND_RATE = '0.001';
  try {
    stack = await startTestStack();
  } finally {
    delete process.env.SES_MAX_SEND_RATE;
  }
});
afterAll(async () => stack?.stop());

it('a waiting closure email that SES refuses on every try of its step is given up, and its record says so', async () => {
  const { api } = stack;
  const { clientId } = await setUpClient(api, { companyInfo: { name: 'Refused Closure Energy' }, workflows: { mainOutreach: [], breathingSpace: [], paymentPlan: [], onHold: [], retry: [] } });
  const { G1 } = await uploadCases(api, stack.urls.s3, clientId, [{ ref: 'G1', name: 'Gail Given', email: 'gail@example.com', amount: '40.00', portfolio: 'no-breathing' }]);
  // Paid in full at 23:00 in London: the closure email waits for 08:00 in an execution of its own.
  const now = stack.clock.now();
  const late = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 23));
  expect((await api.post('/local/clock/advance', { to: late.toISOString() })).status).toBe(200);
  const owed = (await api.get(`/cases/${G1.caseId}`)).body.balance.outstandingMinor;
  expect((await api.post(`/cases/${G1.caseId}/payments`, { amountMinor: owed, receivedAt: late.toISOString(), reference: 'GIVEN-1' })).body.case.phase).toBe('closed');
  const [waiting] = (await api.get(`/local/step-functions/executions?name=${G1.caseId}-closure`)).body.items;
  const input = JSON.parse(waiting.input);
  const event = { caseId: G1.caseId, kind: input.kind, seq: input.seq, execution: waiting.name, step: { ...input.steps[0], at: nowIso() } };

  // Another email takes SES's one send of the moment; the closure email's try is refused for
  // now, and the state's Catch records the step as failed once its retries are spent.
  const ses = new SESv2Client({ endpoint: stack.urls.ses, maxAttempts: 1 });
  await ses.send(new SendEmailCommand({ FromEmailAddress: 'ops@example.com', Destination: { ToAddresses: ['other@example.com'] }, Content: { Simple: { Subject: { Data: 'other' }, Body: { Text: { Data: 'other' } } } } }));
  ses.destroy();
  await expect(runChannelStep(event, 'email')).rejects.toThrow(/Maximum sending rate exceeded/);
  await recordStepFailure({ ...event, failure: { Error: 'Recoup.Transient', Cause: 'Maximum sending rate exceeded.' } });

  const closure = (await comms(api, G1.caseId)).filter((m) => m.workflow === 'closure');
  expect(closure.map((m) => m.status)).toEqual(['failed']);
  expect(closure[0].reason).toMatch(/given up after the step's retries$/);
});
