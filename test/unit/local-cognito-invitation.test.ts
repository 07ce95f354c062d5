import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cognitoApi } from '../../infra/local/auth/cognito-api';
import { LocalUserPool } from '../../infra/local/auth/user-pool';

const dir = mkdtempSync(join(tmpdir(), 'recoup-invite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a user whose invitation cannot be mailed is not created, so asking again creates it (not "exists already")', async () => {
  const pool = new LocalUserPool({ file: join(dir, 'user-pool.json'), scryptN: 2 ** 10 });
  let mailFails = true;
  const mailed: string[] = [];
  const call = cognitoApi(pool, 'local_pool', ['agency_operator'], async (to) => {
    if (mailFails) throw new Error('ThrottlingException: Maximum sending rate exceeded.');
    mailed.push(to);
  });
  const create = () => call('AWSCognitoIdentityProviderService.AdminCreateUser', { UserPoolId: 'local_pool', Username: 'olivia@northwind.example', UserAttributes: [{ Name: 'name', Value: 'Olivia' }] });

  const refused = await create();
  expect(refused).toMatchObject({ status: 400, errorType: 'CodeDeliveryFailureException' });
  expect((refused.body as { message: string }).message).toContain('Maximum sending rate exceeded');
  expect(pool.find('olivia@northwind.example')).toBeUndefined();

  mailFails = false;
  expect((await create()).status).toBe(200);
  expect(mailed).toEqual(['olivia@northwind.example']);
});
