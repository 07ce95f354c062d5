import { runChannelStep } from '../../shared/workflow/steps';

/** Sends an email node through SES v2 (a channel Task of every workflow state machine): guard, claim, render, send, record. */
export const handler = async (event: unknown) => runChannelStep(event, 'email');
