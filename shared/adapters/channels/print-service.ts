import { config } from '../config';
import { postJson } from './http-json';
import { callWithKey } from './provider-call';

export interface PrintJob {
  /** A presigned GET of the PDF (short expiry): the provider downloads the letter from it; the bucket stays private. */
  pdfUrl: string;
  /** When pdfUrl stops working. */
  pdfUrlExpiresAt: string;
  recipient: { name: string; line1?: string; line2?: string; postcode?: string; city?: string; country?: string };
  /** The same key is the same job: the print service deduplicates on it. */
  idempotencyKey: string;
}

/**
 * The print-service port: hands a stored letter to the print and post provider over its JSON
 * API (`POST {PRINT_SERVICE_URL}/jobs`) with its API key. Locally PRINT_SERVICE_URL points at the
 * stand-in that records the job (and, like the provider, refuses a call without the key).
 */
export async function submitPrintJob(job: PrintJob): Promise<string> {
  const base = config().PRINT_SERVICE_URL;
  if (!base) throw new Error('PRINT_SERVICE_URL is not set; letters cannot be handed to the print service');
  const out = await callWithKey('print service', async (auth) => postJson<{ jobId?: string }>('print service', `${base}/jobs`, job, { ...auth, 'idempotency-key': job.idempotencyKey }));
  return out.jobId ?? 'unknown';
}
