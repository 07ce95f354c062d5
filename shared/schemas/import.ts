import { z } from 'zod';
import { isoInstantSchema, recordMetaSchema } from './common';

export const IMPORT_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;

export const importErrorSchema = z.object({
  /** 1 = first data row; 0 = the file as a whole. */
  row: z.number().int().min(0),
  column: z.string().optional(),
  message: z.string(),
  value: z.string().optional(),
});
export type ImportError = z.infer<typeof importErrorSchema>;

export const importCountsSchema = z.object({
  rows: z.number().int().default(0),
  created: z.number().int().default(0),
  merged: z.number().int().default(0),
  duplicates: z.number().int().default(0),
  rejected: z.number().int().default(0),
});
export type ImportCounts = z.infer<typeof importCountsSchema>;

export const importRecordSchema = z.object({
  importId: z.string(),
  clientId: z.string(),
  bucket: z.string().optional(),
  key: z.string(),
  status: z.enum(IMPORT_STATUSES),
  counts: importCountsSchema.prefault({}),
  /** The first errors inline; the full list is in the report object. */
  errors: z.array(importErrorSchema).default([]),
  reportKey: z.string().optional(),
  startedAt: isoInstantSchema.optional(),
  finishedAt: isoInstantSchema.optional(),
  failureReason: z.string().optional(),
  /**
   * Set on a failed import that an error stopped (not the file): invoked again with the same
   * event, the import resumes from its checkpoint and is `processing` again. `failureReason` says
   * where it stopped, why and how to resume.
   */
  resumable: z.boolean().optional(),
  /** The uploaded object's ETag: an import is one version of one object. */
  etag: z.string().optional(),
  /** Header cells that are not ours; ignored, listed so the client can see why a column had no effect. */
  unknownColumns: z.array(z.string()).optional(),
  /** Where the importer is in the file, so a new invocation (or a re-run after a crash) continues there. */
  checkpoint: z
    .object({
      /** Last data row whose effects are all written (0 = none). */
      row: z.number().int().min(0),
      /** Byte offset in the object just after that row. */
      byteOffset: z.number().int().min(0),
      /** The header cells, so a continuation can parse from the middle of the file. */
      header: z.array(z.string()),
      /** How many invocations have worked on this import. */
      invocations: z.number().int().min(0),
    })
    .optional(),
  /**
   * How the import looked up the client's index (invoice numbers, debtor match keys), counted in
   * keys. `first-import`: the client's index was empty when the import began, so only keys this
   * import itself had written were looked up; `full`: every key; `first-import-then-full`: a
   * later invocation (continuation or resume) went on with full lookups.
   */
  lookups: z
    .object({
      mode: z.enum(['first-import', 'full', 'first-import-then-full']),
      /** Keys read from the table. */
      made: z.number().int().min(0),
      /** Keys not read because this import knew they could not be in the table. */
      skipped: z.number().int().min(0),
    })
    .optional(),
  ...recordMetaSchema.shape,
});
export type ImportRecord = z.infer<typeof importRecordSchema>;
