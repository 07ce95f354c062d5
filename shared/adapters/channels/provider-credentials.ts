import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from '../config';
import { sdkClientOptions } from '../sdk-client-options';
import { TtlCache } from '../ttl-cache';

export type CredentialedProvider = 'print service' | 'skip-trace provider';

/**
 * A provider's key is kept this long per container: Secrets Manager is not asked on every
 * letter or lookup (its own advice: cache secret values client-side,
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html),
 * and a key put in the secret reaches every function within this time.
 */
const TTL_MS = 5 * 60_000;
const cache = new TtlCache<string>(TTL_MS);
let client: SecretsManagerClient | undefined;

const SECRET_VARIABLE: Record<CredentialedProvider, 'PRINT_SERVICE_SECRET_ARN' | 'SKIP_TRACE_SECRET_ARN'> = {
  'print service': 'PRINT_SERVICE_SECRET_ARN',
  'skip-trace provider': 'SKIP_TRACE_SECRET_ARN',
};

/** The provider's API key, read from its Secrets Manager secret (the stack gives the function its ARN). */
export function providerKey(provider: CredentialedProvider): Promise<string> {
  const variable = SECRET_VARIABLE[provider];
  const arn = config()[variable];
  if (!arn) return Promise.reject(new Error(`${variable} is not set: the ${provider} cannot be called without its API key`));
  return cache.get(arn, async () => {
    client ??= new SecretsManagerClient(sdkClientOptions());
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error(`secret ${arn} (the ${provider}'s API key) has no string value`);
    return out.SecretString;
  });
}

/** The headers every call to the provider carries. */
export async function providerAuthorization(provider: CredentialedProvider): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await providerKey(provider)}` };
}

/** A provider refused the key (401/403): it may have been replaced in the secret, so the next call reads it again. */
export function forgetProviderKey(provider: CredentialedProvider): void {
  const arn = config()[SECRET_VARIABLE[provider]];
  if (arn) cache.forget(arn);
}
