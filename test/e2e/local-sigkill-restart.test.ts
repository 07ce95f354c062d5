import { expect, it } from 'vitest';
import { apiClient } from '../support/local-stack';
import { killRecoup as kill } from '../support/recoup-process';
import { recoupOnOneDataFolder } from '../support/recoup-restarts';
import { advanceDays, comms, setUpClient, uploadCases } from '../support/workflows';

/**
 * `npm start` killed with SIGKILL in the middle of running workflows, then started again on the
 * same data folder: every running execution goes on where it was (same names, no step twice,
 * none skipped), a case in breathing space leaves it, and the outbox is still there.
 */
const TOKEN = 'sigkill-test-token';
const startRecoup = recoupOnOneDataFolder('sigkill', TOKEN);

it('SIGKILL mid-run, then start again: each message goes out once, none is skipped, breathing space ends', async () => {
  const first = await startRecoup();
  let api = apiClient(first.api, TOKEN);
  const { clientId } = await setUpClient(api);
  const debtors = [
    { ref: 'K1', name: 'Bea Breathing', email: 'bea@example.com', phone: '+447700900201', postcode: 'LS1 1AA', amount: '300.00' },
    { ref: 'K2', name: 'Otto Outreach', email: 'otto@example.com', phone: '+447700900202', postcode: 'LS1 1AB', amount: '400.00', portfolio: 'no-breathing' },
  ];
  const cases = await uploadCases(api, first.s3, clientId, debtors);
  const [bea, otto] = [cases.K1, cases.K2];
  // Day 10: Bea is 10 days into her 14-day breathing space; Otto has had his email, SMS and call,
  // his letter (day 14) and second email (day 21) are waiting.
  await advanceDays(api, 10);
  expect((await api.get(`/cases/${bea.caseId}`)).body.phase).toBe('breathing_space');
  expect((await comms(api, otto.caseId)).map((c) => c.channel)).toEqual(['email', 'sms', 'call']);
  const running = (await api.get('/local/step-functions/executions?status=RUNNING')).body.items.map((e: { name: string }) => e.name).sort();
  expect(running).toHaveLength(2);
  await kill(first.child);

  const second = await startRecoup();
  api = apiClient(second.api, TOKEN);
  // The executions are the same ones, still running where they were.
  expect((await api.get('/local/step-functions/executions?status=RUNNING')).body.items.map((e: { name: string }) => e.name).sort()).toEqual(running);
  await advanceDays(api, 40);

  const nodes = ['email', 'sms', 'call', 'letter', 'email'];
  for (const c of [bea, otto]) {
    const sent = (await comms(api, c.caseId)).filter((x) => x.workflow.startsWith('mainOutreach'));
    expect(sent.map((x) => [x.channel, x.status]), c.clientCaseNumber).toEqual(nodes.map((n) => [n, 'sent']));
    expect(new Set(sent.map((x) => x.key)).size).toBe(nodes.length);
  }
  expect((await api.get(`/cases/${bea.caseId}`)).body.phase).toBe('outreach');
  // What the providers were asked, kept across the restart: one SMS, one call, one letter each.
  for (const [service, to] of [['sns', debtors[0]!.phone], ['sns', debtors[1]!.phone], ['connect', debtors[0]!.phone], ['connect', debtors[1]!.phone]]) {
    expect((await api.get(`/local/outbox?service=${service}&to=${encodeURIComponent(to!)}`)).body.items, `${service} ${to}`).toHaveLength(1);
  }
  expect((await api.get('/local/outbox?service=print')).body.items).toHaveLength(2);
  const executions = (await api.get('/local/step-functions/executions')).body.items as { name: string; status: string }[];
  expect(executions.filter((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT')).toEqual([]);
  for (const name of running) expect(executions.find((e) => e.name === name)?.status, name).toMatch(/SUCCEEDED|ABORTED/);
  await kill(second.child);
}, 180_000);
