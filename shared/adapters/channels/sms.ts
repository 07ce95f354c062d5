import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { providerError } from './errors';
import { withoutThrottlingRetries } from './send-retry';
import { sdkClientOptions } from '../sdk-client-options';

let sns: SNSClient | undefined;

/** Sends one SMS through SNS Publish (the local stand-in records it); returns the SNS message id. */
export async function sendSms(phone: string, text: string): Promise<string> {
  sns ??= withoutThrottlingRetries(new SNSClient({ maxAttempts: 3, ...sdkClientOptions() }));
  try {
    const out = await sns.send(
      new PublishCommand({
        PhoneNumber: phone,
        Message: text,
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
    return out.MessageId ?? 'unknown';
  } catch (e) {
    throw providerError('SNS', e);
  }
}
