import { nowIso } from '../adapters/clock';
import { timeline } from '../adapters/dynamo/case-repository';
import { startExecution } from '../adapters/step-functions';
import { stepFunctionFolder } from '../domain/step-functions';
import type { CaseContext } from './case-context';
import { sendTime } from './contact-window';
import type { RunInput } from './run-schedule';

/** The workflow whose machine walks a closure email that waits for the contact hours (any walk would do: one step, no run end). */
const CLOSURE_MACHINE = 'mainOutreach' as const;

/** The one execution a case's waiting closure email has: a replayed start finds it there. */
export const closureExecutionName = (caseId: string) => `${caseId}-closure`;

export interface ClosureEmail {
  template: string;
  /** Its idempotency key (one closure email per case). */
  key: string;
}

/**
 * When the closure email goes out: at the same point of the debtor's contact hours as any other
 * email of the case (sendTime). Now, or `at`, later, when the case closed outside them.
 */
export function closureEmailTime(ctx: CaseContext, now = nowIso()): { now: true } | { now: false; at: string } {
  const at = sendTime(ctx)(now, 'email');
  return at <= now ? { now: true } : { now: false, at };
}

/**
 * A closure outside the contact hours: the email waits in a one-step execution (a Wait until
 * `at`, then the email task, which guards and sends it as a closure email, once, by its key),
 * like every other send that falls outside them. The timeline says when it will go.
 */
export async function scheduleClosureEmail(ctx: CaseContext, email: ClosureEmail, at: string): Promise<void> {
  const caseId = ctx.c.caseId;
  const input: RunInput = {
    caseId,
    kind: CLOSURE_MACHINE,
    seq: Math.max(1, ctx.c.workflowSeq ?? 1),
    steps: [{ at, index: 0, node: { type: 'email', template: email.template }, fn: stepFunctionFolder('email'), closure: { key: email.key } }],
  };
  const started = await startExecution(CLOSURE_MACHINE, closureExecutionName(caseId), input);
  if (started === 'started') {
    await timeline.append(caseId, { type: 'closure_email_scheduled', message: `closure email (${email.template}) waits for the debtor's contact hours: it goes out at ${at}`, data: { at, template: email.template } });
  }
}
