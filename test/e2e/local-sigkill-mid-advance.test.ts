import { expect, it } from 'vitest';
import { apiClient } from '../support/local-stack';
import { killRecoup } from '../support/recoup-process';
import { recoupOnOneDataFolder } from '../support/recoup-restarts';
import { advanceDays, comms, setUpClient, uploadCases } from '../support/workflows';

/**
 * `npm start` killed with SIGKILL while a clock advance is sending a cohort's SMS, then started
 * again on the same data folder: no debtor gets the SMS twice and every SMS is sent, but for the
 * one the kill may catch with the provider. A step killed after its write of the case but before
 * the provider was called is sent on the restart, not written off as `unknown`; only a step
 * killed while the provider had it may be `unknown` (then it was sent at most once, and its
 * record says so). No record is left `sending`.
 */
const TOKEN = 'sigkill-advance-token';
const startRecoup = recoupOnOneDataFolder('sigkill-advance', TOKEN);

const COHORT = 12;
const phone = (i: number) => `+4477009003${String(i).padStart(2, '0')}`;

it('SIGKILL while an advance sends SMS, then start again: no debtor gets it twice, and only a send the kill caught with the provider may be unknown', async () => {
  const first = await startRecoup();
  let api = apiClient(first.api, TOKEN);
  const { clientId } = await setUpClient(api, {
    workflows: { mainOutreach: [{ type: 'sms', afterDays: 1, template: 'first-notice' }], breathingSpace: [], paymentPlan: [], onHold: [], retry: [] },
  });
  // The product's default: each case at its own point of the contact hours, paced.
  const { version } = (await api.get(`/clients/${clientId}`)).body;
  expect((await api.patch(`/clients/${clientId}`, { version, settings: { workflow: { contactHours: { spread: true } } } })).status).toBe(200);
  const debtors = Array.from({ length: COHORT }, (_, i) => ({ ref: `M${i}`, name: `Mia Midway ${i}`, email: `mia${i}@example.com`, phone: phone(i), amount: '90.00', portfolio: 'no-breathing' }));
  const cases = Object.values(await uploadCases(api, first.s3, clientId, debtors));
  const smsCount = async () => (await api.get('/local/outbox?service=sns')).body.items.length as number;

  // The advance that sends them, killed once the first SMS has gone and before the last.
  let advanced = false;
  const advance = api.post('/local/clock/advance', { days: 2 }).then(() => (advanced = true), () => undefined);
  let before = 0;
  while (!advanced && (before = await smsCount()) === 0) await new Promise((r) => setTimeout(r, 5));
  await killRecoup(first.child);
  await advance;
  expect(advanced, 'the stack was killed while the advance was still sending').toBe(false);
  expect(before).toBeLessThan(COHORT);

  const second = await startRecoup();
  api = apiClient(second.api, TOKEN);
  await advanceDays(api, 3);

  const outbox = (await api.get('/local/outbox?service=sns')).body.items as { to: string }[];
  const unknown: string[] = [];
  for (const [i, c] of cases.entries()) {
    const sms = (await comms(api, c.caseId)).filter((x) => x.channel === 'sms');
    const asked = outbox.filter((m) => m.to === phone(i)).length;
    expect(sms, c.clientCaseNumber).toHaveLength(1);
    if (sms[0].status === 'unknown') unknown.push(c.clientCaseNumber);
    // Sent means the provider had it exactly once; unknown, at most once.
    expect(['sent', 'unknown'], c.clientCaseNumber).toContain(sms[0].status);
    expect(asked, `${c.clientCaseNumber}: ${sms[0].status}`).toBeLessThanOrEqual(1);
    if (sms[0].status === 'sent') expect(asked, c.clientCaseNumber).toBe(1);
  }
  // Only a step the kill caught with the provider may be unknown: one at a time is in flight per
  // instant of the spread cohort, never the steps that had not reached the provider yet.
  expect(unknown.length, `unknown: ${unknown.join(', ')}`).toBeLessThanOrEqual(1);
  await killRecoup(second.child);
}, 180_000);
