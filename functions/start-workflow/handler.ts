import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { countExecution } from '../../shared/adapters/dynamo/figure-counters';
import { logger } from '../../shared/adapters/logger';
import { startExecution, stateMachineArnPrefix } from '../../shared/adapters/step-functions';
import { executionName } from '../../shared/domain/workflow-names';
import { WORKFLOW_KINDS } from '../../shared/schemas/workflow';
import { scheduleRun, type RunInput } from '../../shared/workflow/run-schedule';

/** A start-queue message (see the cross-part conventions). */
const startMessageSchema = z.object({
  caseId: z.string().min(1),
  kind: z.enum(WORKFLOW_KINDS),
  seq: z.number().int().min(1),
});

/**
 * Start-queue consumer: computes the run's steps (the schedule, from the case as it is now) and
 * starts one execution per message with them in its input, so the machine begins at its Map
 * and spends no state on scheduling. A run that is no longer the case's current one (a later
 * phase change replaced it) starts nothing. The execution is named `executionName(caseId, kind, seq)`
 * so a message delivered twice (SQS is at-least-once) cannot start a second execution:
 * ExecutionAlreadyExists counts as done. Throttling is the start client's to pace and retry (see
 * startExecution); what still fails goes back to the queue as a batchItemFailure and, after the
 * queue's maxReceiveCount, to its DLQ.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  stateMachineArnPrefix(); // fail the whole batch at once when the stack did not configure it
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      const parsed = startMessageSchema.safeParse(safeJson(record.body));
      if (!parsed.success) {
        // A malformed message never becomes valid: log it and let it go rather than loop to the DLQ.
        logger.error('malformed start message dropped', { messageId: record.messageId, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
        return;
      }
      const m = parsed.data;
      const name = executionName(m.caseId, m.kind, m.seq);
      let input: RunInput;
      try {
        const steps = await scheduleRun({ ...m, execution: name });
        if (!steps) return;
        input = { ...m, steps };
      } catch (e) {
        logger.warn('schedule failed; message returns to the queue', { messageId: record.messageId, caseId: m.caseId, kind: m.kind, error: (e as Error).message });
        failures.push({ itemIdentifier: record.messageId });
        return;
      }
      try {
        // A message delivered twice finds its execution there: counted once, by the start that made it.
        if ((await startExecution(m.kind, name, input)) === 'started') await countExecution(m.kind, 'started');
      } catch (e) {
        logger.warn('start failed; message returns to the queue', { messageId: record.messageId, caseId: m.caseId, kind: m.kind, error: (e as Error).message });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
