import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

const send = vi.fn();
vi.mock('@aws-sdk/client-secrets-manager', async (orig) => {
  const real = await orig<typeof import('@aws-sdk/client-secrets-manager')>();
  return { ...real, SecretsManagerClient: class { send = send; } };
});

const { skipTrace } = await import('../../shared/adapters/channels/skip-trace');
const { resetConfig } = await import('../../shared/adapters/config');

/** A provider that accepts one key: what it was sent is kept. */
let accepted = 'key-1';
const seen: IncomingHttpHeaders[] = [];
const provider = createServer((req, res) => {
  seen.push(req.headers);
  req.resume();
  const ok = req.headers.authorization === `Bearer ${accepted}`;
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
  res.end(JSON.stringify(ok ? { found: { phone: '+447700900123' } } : { message: 'bad key' }));
});

const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:recoup-skip-trace-api-key-AbCdEf';
const saved = { SKIP_TRACE_URL: process.env.SKIP_TRACE_URL, SKIP_TRACE_SECRET_ARN: process.env.SKIP_TRACE_SECRET_ARN };
beforeAll(async () => {
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  process.env.SKIP_TRACE_URL = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  process.env.SKIP_TRACE_SECRET_ARN = ARN;
  resetConfig();
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  resetConfig();
  await new Promise((resolve) => provider.close(resolve));
});

const debtor = { type: 'person' as const, name: 'Dana', address: {} };

it('sends the key from the secret on every call, reading the secret once per container', async () => {
  send.mockResolvedValue({ SecretString: 'key-1' });
  expect(await skipTrace('C1', debtor)).toEqual({ phone: '+447700900123' });
  expect(await skipTrace('C2', debtor)).toEqual({ phone: '+447700900123' });
  expect(seen.map((h) => h.authorization)).toEqual(['Bearer key-1', 'Bearer key-1']);
  expect(send).toHaveBeenCalledTimes(1);
  expect(send.mock.calls[0]![0].input).toEqual({ SecretId: ARN });
});

it('a key the provider refuses is read again for the next call (a new key put in the secret is used at once)', async () => {
  accepted = 'key-2';
  send.mockResolvedValue({ SecretString: 'key-2' });
  await expect(skipTrace('C3', debtor)).rejects.toThrow(/answered 401/);
  expect(await skipTrace('C4', debtor)).toEqual({ phone: '+447700900123' });
  expect(seen.slice(2).map((h) => h.authorization)).toEqual(['Bearer key-1', 'Bearer key-2']);
  expect(send).toHaveBeenCalledTimes(2);
});

it('a secret that cannot be read is a transient failure: nothing was sent', async () => {
  accepted = 'key-3';
  send.mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
  // key-2 is refused now: forgotten, then the read fails.
  await expect(skipTrace('C5', debtor)).rejects.toThrow(/answered 401/);
  const calls = seen.length;
  await expect(skipTrace('C6', debtor)).rejects.toMatchObject({ kind: 'transient', message: expect.stringMatching(/API key could not be read: Rate exceeded/) });
  expect(seen).toHaveLength(calls);
});
