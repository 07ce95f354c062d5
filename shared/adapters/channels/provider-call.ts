import { ProviderError } from './errors';
import { forgetProviderKey, providerAuthorization, type CredentialedProvider } from './provider-credentials';

/**
 * One call to a provider with its API key. A key the provider refuses (401, 403) is forgotten,
 * so the next call reads the secret again (a key replaced there is picked up at once); the
 * refusal itself is the call's answer, as it would be without a cache.
 */
export async function callWithKey<T>(provider: CredentialedProvider, call: (auth: Record<string, string>) => Promise<T>): Promise<T> {
  let auth: Record<string, string>;
  try {
    auth = await providerAuthorization(provider);
  } catch (e) {
    // Nothing was sent: a retry may find the secret readable (throttled, not yet replicated).
    throw new ProviderError(`${provider}: its API key could not be read: ${(e as Error).message}`, 'transient', provider);
  }
  try {
    return await call(auth);
  } catch (e) {
    if (e instanceof ProviderError && (e.status === 401 || e.status === 403)) forgetProviderKey(provider);
    throw e;
  }
}
