import { z } from 'zod';
import { nowIso } from '../../shared/adapters/clock';
import { config } from '../../shared/adapters/config';
import { dropBucket } from '../../shared/adapters/drop-bucket';
import { imports } from '../../shared/adapters/dynamo/import-repository';
import { clients, newId } from '../../shared/adapters/dynamo/repositories';
import { AppError, ConflictError } from '../../shared/errors';
import { apiHandler, created, ok } from '../../shared/http/api-handler';
import { assertVisible } from '../../shared/http/callers';
import { parseOrThrow, refuseQuery } from '../../shared/http/validate';
import { pageQuerySchema } from '../../shared/schemas/api';
import { reportQuerySchema } from '../../shared/schemas/queries';
import type { ImportRecord } from '../../shared/schemas/import';

/** How long a presigned upload URL works. */
const UPLOAD_URL_SECONDS = 3600;
/** How long the link to an error report works: long enough to follow the redirect, short enough not to be passed around. */
const REPORT_URL_SECONDS = 300;

/** The upload is announced with no settings of its own (the client's import settings apply): an empty object or no body. */
const newImportBody = z.strictObject({}, { error: 'send no body, or an empty JSON object {}; the file itself goes to the uploadUrl of the answer' });


/** The import as callers see it: the checkpoint's internals stay inside; how far it got (running, or stopped by an error and resumable) does not. */
export function importView(r: ImportRecord) {
  const { checkpoint, ...rest } = r;
  return { ...rest, ...(checkpoint && (r.status === 'processing' || r.resumable) ? { progress: { rowsDone: checkpoint.row } } : {}) };
}

export const handler = apiHandler({
  /**
   * Announces an upload: a presigned PUT into the client's drop folder. The upload itself
   * starts the import (the same path as any file dropped into S3); this import id follows it.
   */
  'POST /clients/{clientId}/imports': async ({ params, body }) => {
    parseOrThrow(newImportBody, body ?? {}, 'body');
    const client = await clients.get(params.clientId!);
    const importId = newId('im');
    const key = `${client.clientId}/${importId}.csv`;
    const at = nowIso();
    const bucket = config().DROP_BUCKET;
    const record: ImportRecord = {
      importId,
      clientId: client.clientId,
      bucket,
      key,
      status: 'pending',
      counts: { rows: 0, created: 0, merged: 0, duplicates: 0, rejected: 0 },
      errors: [],
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    await imports.createOrGet(record);
    const uploadUrl = await dropBucket.presignPut(bucket, key, UPLOAD_URL_SECONDS);
    return created({
      ...importView(record),
      uploadUrl,
      uploadMethod: 'PUT',
      expiresAt: new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    });
  },

  'GET /clients/{clientId}/imports': async ({ params, query }) => {
    const { limit, cursor } = parseOrThrow(pageQuerySchema, query, 'query');
    await clients.get(params.clientId!);
    const page = await imports.list(params.clientId!, limit, cursor);
    return ok({ items: page.items.map(importView), cursor: page.cursor });
  },

  'GET /imports/{importId}': async ({ params, caller, query }) => {
    refuseQuery(query);
    const record = await imports.get(params.importId!);
    assertVisible(caller, record.clientId, 'import', record.importId);
    return ok(importView(record));
  },

  /**
   * The full error report (every rejected row: row, column, reason, value) as a redirect to a
   * short-lived presigned GET of its CSV, which may be larger than a Lambda response can carry.
   */
  'GET /imports/{importId}/report': async ({ params, query, caller }) => {
    const { format } = parseOrThrow(reportQuerySchema, query, 'query');
    const record = await imports.get(params.importId!);
    assertVisible(caller, record.clientId, 'import', record.importId);
    if (record.status === 'pending' || record.status === 'processing') {
      throw new ConflictError(`import ${record.importId} is ${record.status}; its error report is written when it finishes`, 'not_finished');
    }
    if (!record.reportKey) throw new AppError(404, 'no_report', `import ${record.importId} rejected no rows, so it has no error report`);
    const url = await dropBucket.presignGet(record.bucket ?? config().DROP_BUCKET, record.reportKey, REPORT_URL_SECONDS);
    const expiresAt = new Date(Date.now() + REPORT_URL_SECONDS * 1000).toISOString();
    const link = { importId: record.importId, reportKey: record.reportKey, url, expiresAt };
    // A browser's fetch cannot read a cross-origin redirect it was told not to follow: it asks for the link itself.
    if (format === 'link') return ok(link);
    return { status: 302, headers: { location: url }, body: link };
  },
});
