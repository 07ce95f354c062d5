import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from './config';
import { sdkClientOptions } from './sdk-client-options';

let token: Promise<string> | undefined;

/** The admin bearer token: from the environment locally, from Secrets Manager on AWS (read once per container). */
export function adminToken(): Promise<string> {
  token ??= (async () => {
    const { ADMIN_TOKEN, ADMIN_TOKEN_SECRET_ARN } = config();
    if (ADMIN_TOKEN) return ADMIN_TOKEN;
    if (!ADMIN_TOKEN_SECRET_ARN) throw new Error('Set ADMIN_TOKEN or ADMIN_TOKEN_SECRET_ARN');
    const out = await new SecretsManagerClient(sdkClientOptions()).send(new GetSecretValueCommand({ SecretId: ADMIN_TOKEN_SECRET_ARN }));
    if (!out.SecretString) throw new Error(`secret ${ADMIN_TOKEN_SECRET_ARN} has no string value`);
    return out.SecretString;
  })().catch((e: unknown) => {
    // A failed read (throttled, not yet replicated) is tried again on the next request, not kept.
    token = undefined;
    throw e;
  });
  return token;
}
