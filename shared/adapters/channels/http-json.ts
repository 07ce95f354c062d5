import { ProviderError } from './errors';

/** POSTs JSON to a provider's API; 5xx / 429 / network errors are transient, other 4xx permanent. */
export async function postJson<T>(provider: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
  } catch (e) {
    throw new ProviderError(`${provider}: ${(e as Error).message}`, 'ambiguous', provider);
  }
  const text = await res.text();
  if (!res.ok) {
    const kind = res.status >= 500 || res.status === 429 ? 'transient' : 'permanent';
    throw new ProviderError(`${provider} answered ${res.status}: ${text.slice(0, 300)}`, kind, provider, false, res.status);
  }
  return (text ? JSON.parse(text) : {}) as T;
}
