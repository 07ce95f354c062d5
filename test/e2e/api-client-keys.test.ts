import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, startTestStack } from '../support/local-stack';
import { setUpClient, uploadCases } from '../support/workflows';

let stack: Awaited<ReturnType<typeof startTestStack>>;
const ids = { a: '', b: '', caseA: '', caseB: '' };
beforeAll(async () => {
  stack = await startTestStack();
  const { api } = stack;
  ids.a = (await setUpClient(api, { companyInfo: { name: 'Alpha Energy' } })).clientId;
  ids.b = (await setUpClient(api, { companyInfo: { name: 'Bravo Water' } })).clientId;
  ids.caseA = (await uploadCases(api, stack.urls.s3, ids.a, [{ ref: 'A1', name: 'Ann Alpha', email: 'ann@example.com', amount: '100.00' }])).A1.caseId;
  ids.caseB = (await uploadCases(api, stack.urls.s3, ids.b, [{ ref: 'B1', name: 'Ben Bravo', email: 'ben@example.com', amount: '200.00' }])).B1.caseId;
});
afterAll(async () => {
  await stack?.stop();
});

it("a client's API key reaches its own imports and cases, reports payments on them, and nothing else", async () => {
  const { api } = stack;
  const made = await api.post(`/clients/${ids.a}/api-keys`, { label: 'Alpha billing system' });
  expect(made.status).toBe(201);
  expect(made.body).toMatchObject({ clientId: ids.a, label: 'Alpha billing system', token: expect.stringMatching(/^rk_[0-9a-f]{16}\./) });
  expect(made.body.secretSha256).toBeUndefined();
  const listed = (await api.get(`/clients/${ids.a}/api-keys`)).body.items;
  expect(listed.map((k: any) => [k.keyId, k.token, k.secretSha256])).toEqual([[made.body.keyId, undefined, undefined]]);

  const alpha = apiClient(stack.urls.api, made.body.token);
  // Its own client, imports and cases.
  expect((await alpha.get(`/clients/${ids.a}`)).status).toBe(200);
  expect((await alpha.get(`/clients/${ids.a}/cases`)).body.items.map((c: any) => c.caseId)).toEqual([ids.caseA]);
  expect((await alpha.get(`/cases/${ids.caseA}/timeline`)).status).toBe(200);
  const upload = await alpha.post(`/clients/${ids.a}/imports`, {});
  expect(upload.status).toBe(201);
  expect((await alpha.get(`/imports/${upload.body.importId}`)).status).toBe(200);
  const paid = await alpha.post(`/cases/${ids.caseA}/payments`, { amountMinor: 1000, reference: 'ALPHA-1' });
  expect(paid.status).toBe(201);

  // Another client's data does not exist for it; a payment there is not recorded.
  const bImport = (await api.post(`/clients/${ids.b}/imports`, {})).body.importId;
  for (const path of [`/clients/${ids.b}`, `/clients/${ids.b}/cases`, `/cases/${ids.caseB}`, `/cases/${ids.caseB}/communications`, `/imports/${bImport}`]) {
    const r = await alpha.get(path);
    expect(r.status, path).toBe(404);
  }
  expect((await alpha.post(`/cases/${ids.caseB}/payments`, { amountMinor: 1000 })).status).toBe(404);
  expect((await api.get(`/cases/${ids.caseB}`)).body.balance.paidMinor).toBe(0);

  // The agency's routes are the agency's.
  for (const [method, path, body] of [
    ['GET', '/clients', undefined],
    ['PATCH', `/clients/${ids.a}`, { companyInfo: { name: 'Mine now' } }],
    ['POST', `/cases/${ids.caseA}/hold`, { reason: 'dispute' }],
    ['POST', `/clients/${ids.a}/api-keys`, {}],
  ] as const) {
    const r = await alpha.call(method, path, body);
    expect(r.status, `${method} ${path}`).toBe(403);
    expect(r.body.error.message).toMatch(/is not open to a client's API key/);
  }
});

it('a revoked key stops working; a made-up one never did', async () => {
  const { api } = stack;
  const made = (await api.post(`/clients/${ids.b}/api-keys`, {})).body;
  const bravo = apiClient(stack.urls.api, made.token);
  expect((await bravo.get(`/cases/${ids.caseB}`)).status).toBe(200);
  const revoked = await api.call('DELETE', `/clients/${ids.b}/api-keys/${made.keyId}`);
  expect(revoked.status).toBe(200);
  expect(revoked.body.revokedAt).toEqual(expect.any(String));
  // The authorizer reads the key fresh; locally nothing caches its answer, so the revocation holds
  // at once (on AWS, within the authorizer cache's minute).
  const after = await bravo.get(`/cases/${ids.caseB}`);
  expect(after).toEqual({ status: 403, body: { message: 'Forbidden' } });
  expect((await api.call('DELETE', `/clients/${ids.a}/api-keys/${made.keyId}`)).status).toBe(404); // not Alpha's key
  const forged = apiClient(stack.urls.api, `rk_${made.keyId}.${'A'.repeat(43)}`);
  expect((await forged.get(`/cases/${ids.caseB}`)).status).toBe(403);
  expect((await apiClient(stack.urls.api, 'rk_nonsense').get(`/cases/${ids.caseB}`)).status).toBe(403);
});
