import { runChannelStep } from '../../shared/workflow/steps';

/** Renders a letter node as a PDF, stores it in S3 and hands it to the print service (a channel Task of every workflow state machine): guard, claim, render, send, record. */
export const handler = async (event: unknown) => runChannelStep(event, 'letter');
