import { z } from 'zod';
import { COMMUNICATION_STATUSES, PHASES, communicationSchema } from './case';
import { lineTextSchema } from './common';
import { pageQuerySchema } from './api';

/** `GET /clients/{clientId}/cases`: one page of the client's cases, optionally in one phase or portfolio, or a search; any other parameter is a 400. */
export const caseListQuerySchema = pageQuerySchema.extend({
  phase: z.enum(PHASES, { error: `must be one of ${PHASES.join(', ')}` }).optional(),
  portfolio: lineTextSchema(100).pipe(z.string().min(1)).optional().describe("only the cases of this portfolio (by name)"),
  q: lineTextSchema(200)
    .pipe(z.string().min(2, 'must be at least 2 characters'))
    .optional()
    .describe('search: the start of the debtor name, email, phone or client case number, or an invoice number exactly; answers at most `limit` matches, oldest first, without a cursor'),
});

const CHANNELS = communicationSchema.shape.channel.options;

/** `GET /clients/{clientId}/communications`: one page of the client's communications, newest first, optionally of one channel and / or status; any other parameter is a 400. */
export const clientCommunicationsQuerySchema = pageQuerySchema.extend({
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }).optional().describe('only this channel (a page may then hold fewer than `limit`; follow the cursor)'),
  status: z.enum(COMMUNICATION_STATUSES, { error: `must be one of ${COMMUNICATION_STATUSES.join(', ')}` }).optional().describe('only communications in this status'),
});

/** `GET /imports/{importId}/report?format=link` answers 200 with the link instead of redirecting to it (a web page's fetch cannot read a cross-origin redirect). */
export const reportQuerySchema = z.strictObject({ format: z.enum(['redirect', 'link']).optional() });
