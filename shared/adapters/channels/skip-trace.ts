import type { Debtor } from '../../schemas/case';
import type { ContactData } from '../../domain/transition';
import { config } from '../config';
import { postJson } from './http-json';
import { callWithKey } from './provider-call';

/**
 * The skip-trace port: asks the provider (`POST {SKIP_TRACE_URL}/lookups`) for current contact
 * data of a debtor, with its API key. Each lookup costs money, so callers count attempts.
 */
export async function skipTrace(caseId: string, debtor: Debtor): Promise<ContactData> {
  const base = config().SKIP_TRACE_URL;
  if (!base) throw new Error('SKIP_TRACE_URL is not set; enrichment cannot look up contact data');
  const body = { caseId, name: debtor.name, type: debtor.type, country: debtor.country, address: debtor.address };
  const out = await callWithKey('skip-trace provider', (auth) => postJson<{ found?: ContactData }>('skip-trace provider', `${base}/lookups`, body, auth));
  return out.found ?? {};
}
