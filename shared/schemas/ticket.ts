import { z } from 'zod';
import { pageQuerySchema } from './api';
import { emailSchema, isoInstantSchema, multiLineTextSchema } from './common';

/** A ticket is open until an operator marks it done (a ticket of a closed case stays until then: it is the case's history too). */
export const TICKET_STATUSES = ['open', 'done'] as const;
const statusSchema = z.enum(TICKET_STATUSES, { error: `must be one of ${TICKET_STATUSES.join(', ')}` });

/** An operator's task, opened by a ticket node of a workflow. */
export const ticketSchema = z.object({
  ticketId: z.string(),
  clientId: z.string(),
  caseId: z.string(),
  debtorName: z.string().describe("the debtor's name when the ticket was opened"),
  title: z.string(),
  status: statusSchema,
  assignee: z.string().optional().describe('email of the operator who has it'),
  note: z.string().optional(),
  /** Who last changed it (a person's email, an API key, the admin token). */
  updatedBy: z.string().optional(),
  createdAt: isoInstantSchema,
  updatedAt: isoInstantSchema,
  version: z.number().int(),
});
export type Ticket = z.infer<typeof ticketSchema>;

/** `PATCH /tickets/{ticketId}`: done or open again, who has it, a note; null clears assignee or note. */
export const ticketPatchSchema = z
  .object({
    version: z.number({ error: 'must be the version you read (an integer)' }).int().min(1).describe('the version you read; a ticket changed since is a 409 stale_version'),
    status: statusSchema.optional(),
    assignee: emailSchema.max(254).nullable().optional().describe("the operator's email; null unassigns"),
    note: multiLineTextSchema(2_000).nullable().optional().describe('null removes it'),
  })
  .strict();

/** `GET /clients/{clientId}/tickets` and `GET /tickets`: one status (open unless asked), paged; any other parameter is a 400. */
export const ticketListQuerySchema = pageQuerySchema.extend({
  status: statusSchema.default('open').describe('open (default) or done'),
});

/** The title a ticket is listed by: one line (control characters and runs of space become one space), at most 200 characters. */
export const ticketTitle = (text: string): string => text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim().slice(0, 200) || 'follow up the case';
