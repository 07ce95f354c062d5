import { createHash } from 'node:crypto';
import { ConnectClient, DescribeContactCommand, StartOutboundVoiceContactCommand } from '@aws-sdk/client-connect';
import { config } from '../config';
import { providerError } from './errors';
import { withoutThrottlingRetries } from './send-retry';
import { sdkClientOptions } from '../sdk-client-options';

let connect: ConnectClient | undefined;
const client = () => (connect ??= withoutThrottlingRetries(new ConnectClient({ maxAttempts: 3, ...sdkClientOptions() })));

export type CallPurpose = 'voice' | 'call';
export type CallState = 'in_progress' | 'answered' | 'unanswered' | 'failed';

function settings(purpose: CallPurpose) {
  const c = config();
  const flow = purpose === 'call' ? (c.CONNECT_CALL_CENTRE_FLOW_ID ?? c.CONNECT_CONTACT_FLOW_ID) : c.CONNECT_CONTACT_FLOW_ID;
  if (!c.CONNECT_INSTANCE_ID || !flow) {
    throw new Error('CONNECT_INSTANCE_ID and CONNECT_CONTACT_FLOW_ID (and CONNECT_CALL_CENTRE_FLOW_ID for call nodes) must be set to place calls');
  }
  return { instance: c.CONNECT_INSTANCE_ID, flow, source: c.CONNECT_SOURCE_PHONE };
}

/**
 * Places an outbound call through Amazon Connect: `voice` runs the text-to-speech flow with the
 * rendered script as a contact attribute; `call` runs the call-centre flow, which queues the
 * contact to an agent. The idempotency key becomes Connect's ClientToken, so a replayed request
 * places no second call.
 */
export async function startCall(args: { purpose: CallPurpose; phone: string; script: string; attributes: Record<string, string>; idempotencyKey: string }): Promise<string> {
  const s = settings(args.purpose);
  try {
    const out = await client().send(
      new StartOutboundVoiceContactCommand({
        InstanceId: s.instance,
        ContactFlowId: s.flow,
        SourcePhoneNumber: s.source,
        DestinationPhoneNumber: args.phone,
        Attributes: { ...args.attributes, script: args.script.slice(0, 32_000) },
        ClientToken: createHash('sha256').update(args.idempotencyKey).digest('hex').slice(0, 500),
      }),
    );
    if (!out.ContactId) throw new Error('Connect returned no ContactId');
    return out.ContactId;
  } catch (e) {
    throw providerError('Connect', e);
  }
}

/** How a placed call went, from its contact record. */
export async function callState(contactId: string): Promise<CallState> {
  const s = settings('voice');
  try {
    const out = await client().send(new DescribeContactCommand({ InstanceId: s.instance, ContactId: contactId }));
    const c = out.Contact;
    if (!c?.DisconnectTimestamp) return 'in_progress';
    if (c.ConnectedToSystemTimestamp || c.AgentInfo?.ConnectedToAgentTimestamp) return 'answered';
    return /ERROR|FAILED|TELECOM/.test(c.DisconnectReason ?? '') ? 'failed' : 'unanswered';
  } catch (e) {
    throw providerError('Connect', e);
  }
}
