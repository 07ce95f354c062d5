import type { NodeType, PlanEvent, WorkflowKind } from '../../../../shared/schemas/workflow';

export const KIND_LABEL: Record<WorkflowKind, string> = {
  breathingSpace: 'Breathing space',
  mainOutreach: 'Main outreach',
  paymentPlan: 'Payment plan',
  onHold: 'On hold',
  retry: 'Retry',
};

export const CHANNEL_LABEL: Record<NodeType, string> = { email: 'Email', sms: 'SMS', voice: 'Voice message', call: 'Call-centre call', letter: 'Letter', ticket: 'Ticket' };

export const EVENT_LABEL: Record<PlanEvent, string> = {
  agreed: 'Plan agreed',
  reminder: 'Reminder before each due date',
  late: 'Instalment missed',
  broken: 'Plan broken',
  completed: 'Plan completed',
};
