import { runChannelStep } from '../../shared/workflow/steps';

/** Records a ticket node: a task for an operator on the case (a channel Task of every workflow state machine): guard, claim, render, send, record. */
export const handler = async (event: unknown) => runChannelStep(event, 'ticket');
