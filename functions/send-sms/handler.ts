import { runChannelStep } from '../../shared/workflow/steps';

/** Sends an SMS node through SNS Publish (a channel Task of every workflow state machine): guard, claim, render, send, record. */
export const handler = async (event: unknown) => runChannelStep(event, 'sms');
