import { nowIso } from '../../shared/adapters/clock';
import { dashboardUrl as linkedDashboard } from '../../shared/adapters/dashboard-link';
import { readOperationsShards, readResultsItems } from '../../shared/adapters/dynamo/counters';
import { counterKeys } from '../../shared/adapters/dynamo/keys';
import { clients } from '../../shared/adapters/dynamo/repositories';
import { operationsView, resultsView } from '../../shared/domain/results';
import { apiHandler, ok } from '../../shared/http/api-handler';
import { parseOrThrow, refuseQuery } from '../../shared/http/validate';
import { resultsQuerySchema } from '../../shared/schemas/results';

/**
 * A client's results and the agency's operations figures, read from counter items kept as cases
 * change (shared/adapters/dynamo/figure-counters.ts): a GetItem and a Query of a handful of
 * items, or one BatchGetItem, whatever the number of cases.
 */
export const handler = apiHandler({
  'GET /clients/{clientId}/results': async ({ params, query }) => {
    const { currency: asked } = parseOrThrow(resultsQuerySchema, query, 'query');
    const client = await clients.get(params.clientId!);
    const currency = asked ?? client.finances.currency;
    const items = await readResultsItems(client.clientId);
    const sk = (k: { sk: string }) => k.sk;
    const monthPrefix = `${sk(counterKeys.resultsMoney(client.clientId, currency))}#`;
    return ok(
      resultsView({
        clientId: client.clientId,
        currency,
        totals: items.find((i) => i.sk === sk(counterKeys.resultsTotals(client.clientId))),
        money: items.find((i) => i.sk === sk(counterKeys.resultsMoney(client.clientId, currency))),
        months: items.filter((i) => String(i.sk).startsWith(monthPrefix)).map((item) => ({ month: String(item.sk).slice(monthPrefix.length), item })),
        asOf: nowIso(),
      }),
    );
  },

  'GET /operations': async ({ query }) => {
    refuseQuery(query);
    const dashboardUrl = linkedDashboard();
    return ok(operationsView({ shards: await readOperationsShards(), ...(dashboardUrl ? { dashboardUrl } : {}), asOf: nowIso() }));
  },
});
