import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { config } from '../config';
import { providerError } from './errors';
import { withoutThrottlingRetries } from './send-retry';
import { sdkClientOptions } from '../sdk-client-options';

let ses: SESv2Client | undefined;

export interface EmailMessage {
  from: string;
  replyTo?: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Tags for SES events (case id, workflow), so bounces can be traced back. */
  tags?: Record<string, string>;
}

/** Sends one email through SES v2 (aws-ses-v2-local locally); returns the SES message id. */
export async function sendEmail(m: EmailMessage): Promise<string> {
  ses ??= withoutThrottlingRetries(new SESv2Client({ maxAttempts: 3, ...sdkClientOptions() }));
  try {
    const out = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: m.from,
        ReplyToAddresses: m.replyTo ? [m.replyTo] : undefined,
        Destination: { ToAddresses: [m.to] },
        Content: {
          Simple: {
            Subject: { Data: m.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: m.text, Charset: 'UTF-8' }, ...(m.html ? { Html: { Data: m.html, Charset: 'UTF-8' } } : {}) },
          },
        },
        ConfigurationSetName: config().SENDER_CONFIGURATION_SET,
        EmailTags: Object.entries(m.tags ?? {}).map(([Name, Value]) => ({ Name, Value: Value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) })),
      }),
    );
    return out.MessageId ?? 'unknown';
  } catch (e) {
    throw providerError('SES', e);
  }
}
