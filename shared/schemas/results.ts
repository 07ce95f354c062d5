import { z } from 'zod';
import { PHASES } from './case';
import { amountMinorSchema, currencySchema, isoInstantSchema } from './common';
import { NODE_TYPES, WORKFLOW_KINDS } from './workflow';

/**
 * The figures a creditor asks for first (GET /clients/{clientId}/results) and the agency's
 * operations figures (GET /operations). Both are served from counters kept as cases change, so
 * reading them costs the same whatever the number of cases.
 */

/** Channels that reach a debtor (a ticket is an operator's task, not a contact). */
export const CONTACT_CHANNELS_OF_RESULTS = NODE_TYPES.filter((t) => t !== 'ticket');

export const resultsQuerySchema = z
  .object({ currency: currencySchema.optional().describe("money figures of the client's cases in this currency (default: the client's currency)") })
  .strict();

const share = z.number().min(0).describe('0..1');

export const liquidationPointSchema = z.object({
  day: z.number().int().min(0).describe('days since placement: the end of a 7-day bucket (7, 14, ..., 364), 365 for anything later'),
  collectedMinor: amountMinorSchema.describe('collected within `day` days of placement (cumulative)'),
  share: share.describe('collectedMinor / placedMinor of the month'),
});

export const liquidationLineSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/).describe('import month (YYYY-MM) of the cases'),
  placedMinor: amountMinorSchema,
  points: z.array(liquidationPointSchema),
});

export const contactFiguresSchema = z.object({
  sent: z.number().int().min(0),
  failed: z.number().int().min(0).describe('refused for good, given up, or with an unknown outcome'),
  skipped: z.number().int().min(0).describe('not sent for another reason than an opt-out (no address, on hold, closed)'),
  optedOut: z.number().int().min(0).describe('not sent because the debtor refused the channel'),
});

export const clientResultsSchema = z.object({
  clientId: z.string(),
  currency: currencySchema,
  placedMinor: amountMinorSchema.describe('principal of the cases placed (opened, plus invoices added later)'),
  collectedMinor: amountMinorSchema.describe('payments recorded on those cases'),
  recoveryRate: share.describe('collectedMinor / placedMinor'),
  openCases: z.number().int().min(0),
  casesByPhase: z.record(z.enum(PHASES), z.number().int().min(0)),
  liquidation: z.array(liquidationLineSchema).describe('one line per import month, oldest first'),
  contacts: z.record(z.enum(CONTACT_CHANNELS_OF_RESULTS as [string, ...string[]]), contactFiguresSchema),
  asOf: isoInstantSchema,
});
export type ClientResults = z.infer<typeof clientResultsSchema>;

export const executionFiguresSchema = z.object({
  running: z.number().int().min(0).describe('started and not yet ended'),
  succeeded: z.number().int().min(0).describe('ended by their own doing (finished, continued as new, breathing space over, the plan completed or broken at its due check)'),
  failed: z.number().int().min(0).describe('runs in which a step failed after its retries (the walk goes on past it)'),
  stopped: z.number().int().min(0).describe('ended by a phase change (hold, plan, payment, closure)'),
});

export const operationsSchema = z.object({
  executions: z.record(z.enum(WORKFLOW_KINDS), executionFiguresSchema),
  sends: z.record(z.enum(NODE_TYPES), z.object({ sent: z.number().int().min(0), failed: z.number().int().min(0), skipped: z.number().int().min(0) })),
  failures: z.object({
    stepFailures: z.number().int().min(0).describe('workflow steps given up after their retries'),
    givenUp: z.number().int().min(0).describe('sends refused for now whose step ran out of retries'),
  }),
  imports: z.object({
    rows: z.number().int().min(0).describe('data rows of finished imports'),
    rowsPerSecond: z.number().min(0).optional().describe('rows over the time the finished imports took (absent while that time is zero)'),
    lastImportAt: isoInstantSchema.optional(),
  }),
  dashboardUrl: z.url().optional().describe("the CloudWatch dashboard's console URL (on AWS)"),
  asOf: isoInstantSchema,
});
export type Operations = z.infer<typeof operationsSchema>;
