import { caseChangeAdds, counterNames, sumCaseAdds, type CaseCounterAdds, type ContactOutcome, type ExecutionOutcome } from '../../domain/results';
import type { Case } from '../../schemas/case';
import { addCounters } from './counters';
import { counterKeys, OPERATIONS_SHARDS } from './keys';

/**
 * The counters behind GET /clients/{clientId}/results and GET /operations, each updated by the
 * one code path that makes the change it counts, right after that change was written.
 */

/** Changes of cases (new ones: `before` undefined), summed per counter item: one ADD per item. */
export async function countCaseChanges(changes: readonly { before: Case | undefined; after: Case }[], at: string): Promise<void> {
  const adds: CaseCounterAdds[] = changes.map((c) => caseChangeAdds(c.before, c.after, at));
  const { totals, money, months } = sumCaseAdds(adds);
  await Promise.all([
    ...[...totals].map(([clientId, a]) => addCounters(counterKeys.resultsTotals(clientId), a)),
    ...[...money].map(([k, a]) => {
      const [clientId, currency] = k.split('|') as [string, string];
      return addCounters(counterKeys.resultsMoney(clientId, currency), a);
    }),
    ...[...months].map(([k, a]) => {
      const [clientId, currency, month] = k.split('|') as [string, string, string];
      return addCounters(counterKeys.resultsMonth(clientId, currency, month), a);
    }),
  ]);
}

export type SendOutcome = 'sent' | 'failed' | 'skipped';

/**
 * The final outcome of one send: the client's contact figures (debtor channels) and the
 * operations' sends by channel. A send refused for now is not counted until it is sent or
 * given up, so a retried send counts once.
 */
export async function countSend(clientId: string, channel: string, outcome: ContactOutcome, extra: { givenUp?: boolean } = {}): Promise<void> {
  const ops: Record<string, number> = { [counterNames.send(channel, outcome === 'optedOut' ? 'skipped' : outcome)]: 1 };
  if (extra.givenUp) ops[counterNames.givenUp] = 1;
  await Promise.all([channel === 'ticket' ? undefined : addCounters(counterKeys.resultsTotals(clientId), { [counterNames.contact(channel, outcome)]: 1 }), countOperations(ops)]);
}

export const countExecution = (kind: string, outcome: ExecutionOutcome): Promise<void> => countOperations({ [counterNames.execution(kind, outcome)]: 1 });

export const countStepFailure = (kind: string): Promise<void> => countOperations({ [counterNames.stepFailures]: 1, [counterNames.execution(kind, 'failed')]: 1 });

/** A finished import: its data rows and how long it took (from its record's timings). */
export const countImport = (rows: number, ms: number, finishedAt: string): Promise<void> =>
  countOperations({ [counterNames.importRows]: rows, [counterNames.importMs]: Math.max(0, ms), [counterNames.importCount]: 1 }, { [counterNames.lastImportAt]: finishedAt });

/** One random shard per write (see OPERATIONS_SHARDS). */
function countOperations(adds: Record<string, number>, set: Record<string, string> = {}): Promise<void> {
  return addCounters(counterKeys.operations(Math.floor(Math.random() * OPERATIONS_SHARDS)), adds, set);
}
