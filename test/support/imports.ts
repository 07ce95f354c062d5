import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ApiClient } from './local-stack';

/** An S3 client as a client's system would use against the local drop bucket. */
export function dropClient(s3Url: string): S3Client {
  return new S3Client({ endpoint: s3Url, forcePathStyle: true, region: 'eu-west-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
}

export async function putCsv(s3: S3Client, key: string, body: string | Buffer): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: 'recoup-drop', Key: key, Body: body }));
}

export async function getText(s3: S3Client, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: 'recoup-drop', Key: key }));
  return out.Body!.transformToString('utf8');
}

/** Polls until an import of `key` (or `importId`) has finished; returns its record. */
export async function waitForImport(api: ApiClient, clientId: string, match: { key?: string; importId?: string; count?: number }, timeoutMs = 20_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const list = await api.get(`/clients/${clientId}/imports?limit=100`);
    const found = (list.body?.items ?? []).filter((i: any) => (!match.key || i.key === match.key) && (!match.importId || i.importId === match.importId) && (i.status === 'completed' || i.status === 'failed'));
    if (found.length >= (match.count ?? 1)) return found[0];
    if (Date.now() > until) throw new Error(`import ${JSON.stringify(match)} did not finish: ${JSON.stringify(list.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function allCases(api: ApiClient, clientId: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get(`/clients/${clientId}/cases?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...page.body.items);
    cursor = page.body.cursor;
  } while (cursor);
  return out;
}

export const HEADER = 'client_case_number,debtor_name,debtor_email,debtor_phone,debtor_postcode,invoice_number,due_date,amount,currency,description';
