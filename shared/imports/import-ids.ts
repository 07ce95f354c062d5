import { createHash } from 'node:crypto';
import { imports } from '../adapters/dynamo/import-repository';

/** Keys the importer never treats as uploads: its own reports. */
export function isReportKey(key: string): boolean {
  return key.startsWith('reports/');
}

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 20);
}

/** The import of one version of one object: the same event replayed finds the same import. */
export function importIdFor(bucket: string, key: string, etag: string): string {
  return `im_${digest(bucket, key, etag)}`;
}

/** An upload announced through the API arrives as `<clientId>/<importId>.csv`. */
const UPLOAD_NAME = /^(im_[0-9a-f]{20})\.csv$/;

/** The announced import an object belongs to (bound to its ETag once), else the one its bucket, key and ETag name. */
export async function resolveImportId(bucket: string, key: string, clientId: string, etag: string): Promise<string> {
  const name = key.slice(clientId.length + 1);
  const m = UPLOAD_NAME.exec(name);
  if (m) {
    const announced = await imports.find(m[1]!);
    if (announced && announced.clientId === clientId && announced.key === key && (await imports.bindUpload(announced.importId, etag))) return announced.importId;
  }
  return importIdFor(bucket, key, etag);
}
