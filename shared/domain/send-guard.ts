import type { Case } from '../schemas/case';
import type { NodeType, WorkflowKind } from '../schemas/workflow';
import { shouldSendReminder } from './payment-plan';
import { PHASE_WORKFLOW, type OpenPhase } from './transition';

/** What a send is about to do, for the guard. */
export interface SendIntent {
  channel: NodeType;
  /** The workflow kind whose run sends it; absent for messages sent by a phase change (closure, plan messages). */
  kind?: WorkflowKind;
  /** The execution that sends it; the case's current run must be this one. */
  execution?: string;
  /** Closure emails go out once the case closed. */
  afterClose?: boolean;
  /** A plan reminder for this instalment: only while it is unpaid. */
  reminderFor?: number;
}

export type GuardResult = { send: true; recipient: string | undefined } | { send: false; reason: string; optedOut?: true };

const CONTACT_GROUP: Record<NodeType, keyof Case['contactAllowed'] | undefined> = {
  email: 'email',
  sms: 'sms',
  voice: 'phone',
  call: 'phone',
  letter: 'post',
  ticket: undefined,
};

/** Where a channel reaches the debtor, or undefined when the case lacks that contact detail. */
export function recipientFor(c: Pick<Case, 'debtor'>, channel: NodeType): string | undefined {
  const d = c.debtor;
  switch (channel) {
    case 'email':
      return d.email?.trim() || undefined;
    case 'sms':
    case 'voice':
    case 'call':
      return d.phone?.trim() || undefined;
    case 'letter': {
      const a = d.address;
      if (!a.line1?.trim() || !(a.postcode?.trim() || a.city?.trim())) return undefined;
      return [a.line1, a.line2, a.postcode, a.city, a.country].filter((x) => x?.trim()).join(', ');
    }
    case 'ticket':
      return undefined;
  }
}

const MISSING: Record<NodeType, string> = {
  email: 'no email address on the case',
  sms: 'no phone number on the case',
  voice: 'no phone number on the case',
  call: 'no phone number on the case',
  letter: 'no postal address (line 1 and postcode or city) on the case',
  ticket: '',
};

/**
 * The check every send makes on the freshly read case: still in the phase of the run that sends,
 * that run still current, not on hold, not closed, the contact detail present and allowed.
 * A refusal is a skip with a reason, never an error.
 */
export function guardSend(c: Case, intent: SendIntent): GuardResult {
  if (c.phase === 'closed' && !intent.afterClose) return { send: false, reason: `the case is closed${c.closedReason ? ` (${c.closedReason.replace(/_/g, ' ')})` : ''}` };
  if (intent.afterClose && c.phase !== 'closed') return { send: false, reason: 'the case is not closed' };
  if (intent.kind) {
    if (c.phase === 'on_hold' && intent.kind !== 'onHold') return { send: false, reason: `the case is on hold${c.hold ? ` (${c.hold.reason})` : ''}` };
    if (c.phase !== 'closed' && PHASE_WORKFLOW[c.phase as OpenPhase] !== intent.kind) return { send: false, reason: `the case is now in ${c.phase}, not in the ${intent.kind} workflow` };
  }
  if (intent.execution && c.workflow?.executionName !== intent.execution) {
    return { send: false, reason: `workflow run ${intent.execution} is no longer the case's current run (${c.workflow?.executionName ?? 'none'})` };
  }
  if (intent.reminderFor !== undefined && !shouldSendReminder(c.paymentPlan, intent.reminderFor)) {
    return { send: false, reason: `instalment ${intent.reminderFor + 1} needs no reminder (paid, checked or the plan is not active)` };
  }
  const group = CONTACT_GROUP[intent.channel];
  if (group && c.contactAllowed[group] === false) return { send: false, reason: `the debtor may not be contacted by ${group}`, optedOut: true };
  const recipient = recipientFor(c, intent.channel);
  if (intent.channel !== 'ticket' && !recipient) return { send: false, reason: MISSING[intent.channel] };
  return { send: true, recipient };
}
