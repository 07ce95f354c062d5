import { timeline } from '../../shared/adapters/dynamo/case-repository';
import { clients } from '../../shared/adapters/dynamo/repositories';
import { tickets } from '../../shared/adapters/dynamo/tickets';
import { ConflictError } from '../../shared/errors';
import { apiHandler, ok } from '../../shared/http/api-handler';
import { assertVisible, callerLabel } from '../../shared/http/callers';
import { parseOrThrow } from '../../shared/http/validate';
import { ticketListQuerySchema, ticketPatchSchema, type Ticket } from '../../shared/schemas/ticket';
import { ticketChange } from '../../shared/domain/ticket-change';

/** Operators' tickets, opened by ticket nodes: a client's list, the agency's queue, and marking them done. */
export const handler = apiHandler({
  'GET /clients/{clientId}/tickets': async ({ params, query }) => {
    const q = parseOrThrow(ticketListQuerySchema, query, 'query');
    await clients.get(params.clientId!);
    return ok(await tickets.listByClient(params.clientId!, q.status, q.limit, q.cursor));
  },

  'GET /tickets': async ({ query }) => {
    const q = parseOrThrow(ticketListQuerySchema, query, 'query');
    return ok(await tickets.queue(q.status, q.limit, q.cursor));
  },

  /**
   * Done or open again, assignee, note, at the version read. The ticket is written first, then the
   * case's timeline says who changed what (a retry after a lost answer is a 409 and writes nothing
   * twice). A patch that changes nothing keeps the version and writes nothing.
   */
  'PATCH /tickets/{ticketId}': async ({ params, body, caller }) => {
    const current = await tickets.get(params.ticketId!);
    assertVisible(caller, current.clientId, 'ticket', current.ticketId);
    const patch = parseOrThrow(ticketPatchSchema, body);
    if (patch.version !== current.version) throw new ConflictError(`ticket was changed by someone else (you sent version ${patch.version}, it is at ${current.version}); read it again and retry`, 'stale_version');
    const by = callerLabel(caller);
    const change = ticketChange(current, patch, by);
    if (!change) return ok(current);
    const next: Ticket = await tickets.replace(change.ticket, current.version);
    await timeline.append(current.caseId, { type: 'ticket_updated', message: `ticket "${current.title}" ${change.said} by ${by}`, by, data: { ticketId: current.ticketId, changes: change.changes } });
    return ok(next);
  },
});
