import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from './config';
import { sdkClientOptions } from './sdk-client-options';

let secret: Promise<string> | undefined;

/**
 * The key pagination cursors are signed with (shared/adapters/dynamo/cursor.ts): given by the
 * stack, on AWS as a Secrets Manager secret only the paginating API functions may read (read once
 * per container), locally as a value the local stack sets.
 */
export function cursorSecret(): Promise<string> {
  secret ??= (async () => {
    const { CURSOR_SECRET, CURSOR_SECRET_ARN } = config();
    if (CURSOR_SECRET) return CURSOR_SECRET;
    if (!CURSOR_SECRET_ARN) throw new Error('Set CURSOR_SECRET or CURSOR_SECRET_ARN: this function pages through lists, so its catalog entry needs cursorSecret');
    const out = await new SecretsManagerClient(sdkClientOptions()).send(new GetSecretValueCommand({ SecretId: CURSOR_SECRET_ARN }));
    if (!out.SecretString) throw new Error(`secret ${CURSOR_SECRET_ARN} has no string value`);
    return out.SecretString;
  })().catch((e: unknown) => {
    // A failed read (throttled, not yet replicated) is tried again on the next request, not kept.
    secret = undefined;
    throw e;
  });
  return secret;
}
