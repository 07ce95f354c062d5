import { z } from 'zod';
import { caseSchema, communicationSchema, invoiceSchema, paymentPlanSchema, phaseSchema, timelineEventSchema } from './case';
import { amountMinorSchema, currencySchema, isoInstantSchema } from './common';
import { clientSchema } from './client';
import { importRecordSchema } from './import';

/**
 * What the API answers, where it is more than a stored record: the OpenAPI document describes
 * the responses with these (shared/http/openapi.ts), and the e2e suite checks every answer
 * against that document. Answers may gain fields (the contract allows adding them).
 */

/** A case's money as of today (`GET /cases/{caseId}` and every case in a list or action answer). */
export const balanceSchema = z.object({
  principalMinor: amountMinorSchema,
  costsMinor: amountMinorSchema,
  interestMinor: amountMinorSchema.describe('crystallised interest plus what accrued since, to today'),
  paidMinor: amountMinorSchema,
  outstandingMinor: amountMinorSchema,
  creditMinor: amountMinorSchema.describe('paid beyond everything owed (to refund); 0 normally'),
  settlementAmountMinor: amountMinorSchema.optional(),
  settlementOutstandingMinor: amountMinorSchema.optional(),
  writtenOffMinor: amountMinorSchema.optional().describe('closed as settled or written off: what was left unpaid'),
  currency: currencySchema,
});

/** A case as the API shows it: the record (its first events are on the timeline) plus its balance today. */
export const caseViewSchema = caseSchema.omit({ importEvents: true }).extend({ balance: balanceSchema });

/** What a client's skip-trace lookups cost so far, per currency (the client's finances' currency when each was bought). */
export const enrichmentSpendSchema = z.object({
  currency: currencySchema,
  attempts: z.number().int().min(0).describe('lookups bought: answered by the provider'),
  costMinor: amountMinorSchema.describe('their cost at the price of an attempt then in force (finances.enrichmentCostMinor)'),
});

/** A client as `GET /clients/{clientId}` shows it: the record plus what its lookups cost (read-only). */
export const clientViewSchema = clientSchema.extend({ enrichmentSpend: z.array(enrichmentSpendSchema) });

export const allocationSchema = z.object({
  amountMinor: amountMinorSchema,
  interestCrystallisedMinor: amountMinorSchema,
  costsMinor: amountMinorSchema,
  interestMinor: amountMinorSchema,
  principalMinor: amountMinorSchema,
  creditMinor: amountMinorSchema,
});

export const paymentRecordedSchema = z.object({ caseId: z.string(), allocation: allocationSchema, case: caseViewSchema });
export const paymentDuplicateSchema = z.object({
  caseId: z.string(),
  duplicate: z.literal(true),
  payment: z.object({ reference: z.string(), amountMinor: amountMinorSchema, receivedAt: isoInstantSchema, recordedAt: isoInstantSchema }),
  case: caseViewSchema,
});
export const planAgreedSchema = z.object({ caseId: z.string(), paymentPlan: paymentPlanSchema, case: caseViewSchema });

/** An import as callers see it: the checkpoint stays inside; how far a running import got does not. */
export const importViewSchema = importRecordSchema.omit({ checkpoint: true }).extend({
  progress: z.object({ rowsDone: z.number().int().min(0) }).optional().describe('while processing: data rows done so far'),
});
export const importCreatedSchema = importViewSchema.extend({
  uploadUrl: z.string().describe('PUT the CSV here (presigned; no token)'),
  uploadMethod: z.literal('PUT'),
  expiresAt: isoInstantSchema,
});
export const importReportLinkSchema = z.object({
  importId: z.string(),
  reportKey: z.string(),
  url: z.string().describe('presigned GET of the CSV, also in the Location header'),
  expiresAt: isoInstantSchema,
});

/** A client's API key as listed: never its secret. */
export const apiKeyViewSchema = z.object({
  keyId: z.string(),
  clientId: z.string(),
  label: z.string().optional(),
  revokedAt: isoInstantSchema.optional(),
  version: z.number().int(),
  createdAt: isoInstantSchema,
  updatedAt: isoInstantSchema,
});
export const apiKeyCreatedSchema = apiKeyViewSchema.extend({ token: z.string().describe('`rk_<key id>.<secret>`: shown in this answer only') });

/** An invoice in the client-wide list, with the case that holds it. */
export const clientInvoiceSchema = invoiceSchema.extend({ caseId: z.string(), clientCaseNumber: z.string().optional(), debtorName: z.string(), phase: phaseSchema });

/**
 * A communication as the API answers it, with what was sent (`subject`, `text`, as rendered).
 * A sent letter's PDF is a presigned GET made at read time (`pdfUrl`, valid 15 minutes): the
 * letters bucket is private and its object keys are never answered.
 */
export const communicationViewSchema = communicationSchema.omit({ pdfKey: true }).extend({
  pdfUrl: z.string().optional().describe("a sent letter: presigned GET of its PDF (no token needed), valid 15 minutes from the read; read the communications again for a fresh one"),
  pdfUrlExpiresAt: isoInstantSchema.optional().describe('when `pdfUrl` stops working'),
});
export type CommunicationView = z.infer<typeof communicationViewSchema>;

/** A communication in the client-wide list, with the case it belongs to and that case's debtor. */
export const clientCommunicationSchema = communicationViewSchema.extend({ caseId: z.string(), debtorName: z.string() });

export const healthSchema = z.object({ status: z.literal('ok') });

export { timelineEventSchema };
