import { afterAll, beforeAll, expect, it, vi } from 'vitest';

const send = vi.fn();
vi.mock('@aws-sdk/client-secrets-manager', async (orig) => {
  const real = await orig<typeof import('@aws-sdk/client-secrets-manager')>();
  return { ...real, SecretsManagerClient: class { send = send; } };
});

const { adminToken } = await import('../../shared/adapters/admin-token');
const { resetConfig } = await import('../../shared/adapters/config');

const saved = { ADMIN_TOKEN: process.env.ADMIN_TOKEN, ADMIN_TOKEN_SECRET_ARN: process.env.ADMIN_TOKEN_SECRET_ARN };
beforeAll(() => {
  delete process.env.ADMIN_TOKEN;
  process.env.ADMIN_TOKEN_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:recoup-admin';
  resetConfig();
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  resetConfig();
});

it('reads the token from Secrets Manager once, and again after a failed read instead of failing every request', async () => {
  send.mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
  await expect(adminToken()).rejects.toThrow(/Rate exceeded/);

  send.mockResolvedValueOnce({ SecretString: 's3cret-token' });
  expect(await adminToken()).toBe('s3cret-token');
  expect(await adminToken()).toBe('s3cret-token');
  expect(send).toHaveBeenCalledTimes(2);
});
