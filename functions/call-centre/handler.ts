import { runCallStep } from '../../shared/workflow/steps';

/** A call node: an outbound call queued to the call centre's agents through Amazon Connect, retried while unanswered up to the effective maxPhoneCallRetries. */
export const handler = async (event: unknown) => runCallStep(event, 'call');
