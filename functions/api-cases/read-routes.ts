import { letterLink } from '../../shared/adapters/channels/letter-links';
import { todayIso } from '../../shared/adapters/clock';
import { cases, communications, timeline } from '../../shared/adapters/dynamo/case-repository';
import { clients } from '../../shared/adapters/dynamo/repositories';
import { balanceAsOf } from '../../shared/domain/ledger';
import { ok, type ApiRequest, type Route } from '../../shared/http/api-handler';
import { assertVisible } from '../../shared/http/callers';
import { ValidationError } from '../../shared/errors';
import { parseOrThrow, refuseQuery } from '../../shared/http/validate';
import { pageQuerySchema } from '../../shared/schemas/api';
import type { Case, Communication } from '../../shared/schemas/case';
import { caseListQuerySchema, clientCommunicationsQuerySchema } from '../../shared/schemas/queries';

const pageQuery = pageQuerySchema;
const caseListQuery = caseListQuerySchema;

/** A case as the API shows it: the record plus its balance as of today (interest accrued to today); its carried events show on the timeline. */
export function caseView(c: Case) {
  const { importEvents: _onTimeline, ...rest } = c;
  return { ...rest, balance: balanceAsOf(c.ledger, todayIso()) };
}

/**
 * A communication as the API shows it: a letter's stored PDF key becomes a presigned GET made
 * now (15 minutes), so the answer never names an object of the private bucket.
 */
export async function communicationView<C extends Communication>({ pdfKey, ...rest }: C): Promise<Omit<C, 'pdfKey'> & { pdfUrl?: string; pdfUrlExpiresAt?: string }> {
  if (!pdfKey) return rest;
  const link = await letterLink(pdfKey);
  return { ...rest, pdfUrl: link.url, pdfUrlExpiresAt: link.expiresAt };
}

/** The case of the path, as its caller may see it (a client's key sees only its own). */
export async function visibleCase({ params, caller }: Pick<ApiRequest, 'params' | 'caller'>): Promise<Case> {
  const c = await cases.get(params.caseId!);
  assertVisible(caller, c.clientId, 'case', c.caseId);
  return c;
}

/** The read side of the cases API. */
export const caseReadRoutes: Record<string, Route> = {
  'GET /clients/{clientId}/cases': async ({ params, query }) => {
    const q = parseOrThrow(caseListQuery, query, 'query');
    await clients.get(params.clientId!);
    if (q.q !== undefined) {
      if (q.cursor) throw new ValidationError('a search has no next page', [{ field: 'cursor', message: 'a search answers its matches at once (at most limit); narrow q instead' }]);
      const found = await cases.search(params.clientId!, q.q, q.limit);
      return ok({ items: found.filter((c) => (!q.phase || c.phase === q.phase) && (!q.portfolio || c.portfolio === q.portfolio)).map(caseView) });
    }
    const page = await cases.listByClient(params.clientId!, q);
    return ok({ items: page.items.map(caseView), cursor: page.cursor });
  },

  /**
   * The client's invoices across its cases, oldest case first: one page holds the invoices of up
   * to `limit` cases (a case's invoices are never split), each with its case's id, reference,
   * debtor and phase. Paginated over the client's case list (GSI1), never a scan.
   */
  'GET /clients/{clientId}/invoices': async ({ params, query }) => {
    const q = parseOrThrow(pageQuery, query, 'query');
    await clients.get(params.clientId!);
    const page = await cases.listByClient(params.clientId!, q);
    const items = page.items.flatMap((c) =>
      c.invoices.map((inv) => ({ ...inv, caseId: c.caseId, ...(c.clientCaseNumber ? { clientCaseNumber: c.clientCaseNumber } : {}), debtorName: c.debtor.name, phase: c.phase })),
    );
    return ok({ items, cursor: page.cursor });
  },

  /**
   * The client's communications across its cases, newest first, from the client's
   * communication index (in one status: its status index; a channel filters the page read).
   * Each with its case's id and the debtor's name as the case holds it now.
   */
  'GET /clients/{clientId}/communications': async ({ params, query }) => {
    const q = parseOrThrow(clientCommunicationsQuerySchema, query, 'query');
    await clients.get(params.clientId!);
    const page = await communications.listByClient(params.clientId!, q);
    const byId = await cases.findMany([...new Set(page.items.map((c) => c.caseId))]);
    const items = await Promise.all(page.items.map(async (c) => ({ ...(await communicationView(c)), debtorName: byId.get(c.caseId)?.debtor.name ?? '' })));
    return ok({ items, cursor: page.cursor });
  },

  'GET /cases/{caseId}': async (req) => {
    refuseQuery(req.query);
    return ok(caseView(await visibleCase(req)));
  },

  'GET /cases/{caseId}/communications': async (req) => {
    const { params, query } = req;
    const q = parseOrThrow(pageQuery, query, 'query');
    await visibleCase(req);
    const page = await communications.list(params.caseId!, q.limit, q.cursor);
    // Stored by idempotency key (so a send can be claimed once); people read them in time order.
    page.items.sort((a, b) => a.at.localeCompare(b.at) || a.node - b.node || a.attempt - b.attempt);
    return ok({ items: await Promise.all(page.items.map(communicationView)), cursor: page.cursor });
  },

  'GET /cases/{caseId}/timeline': async (req) => {
    const { params, query } = req;
    const q = parseOrThrow(pageQuery, query, 'query');
    const c = await visibleCase(req);
    return ok(await timeline.list(params.caseId!, q.limit, q.cursor, c.importEvents));
  },
};
