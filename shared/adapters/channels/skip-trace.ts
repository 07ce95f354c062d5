import type { Debtor } from '../../schemas/case';
import type { ContactData } from '../../domain/transition';
import { config } from '../config';
import { postJson } from './http-json';

/**
 * The skip-trace port: asks the provider (`POST {SKIP_TRACE_URL}/lookups`) for current contact
 * data of a debtor. Each lookup costs money, so callers count attempts.
 */
export async function skipTrace(caseId: string, debtor: Debtor): Promise<ContactData> {
  const base = config().SKIP_TRACE_URL;
  if (!base) throw new Error('SKIP_TRACE_URL is not set; enrichment cannot look up contact data');
  const out = await postJson<{ found?: ContactData }>('skip-trace provider', `${base}/lookups`, {
    caseId,
    name: debtor.name,
    type: debtor.type,
    country: debtor.country,
    address: debtor.address,
  });
  return out.found ?? {};
}
