import { runCallStep } from '../../shared/workflow/steps';

/** A voice node: a text-to-speech outbound call through Amazon Connect, retried while unanswered up to the effective maxPhoneCallRetries. */
export const handler = async (event: unknown) => runCallStep(event, 'voice');
