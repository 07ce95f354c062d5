import { Anchor, Button, Stack, Text } from '@mantine/core';
import { useId, useState } from 'react';
import type { NodeType } from '../../../../shared/schemas/workflow';
import type { CommunicationView } from '../../../../shared/schemas/views';
import { formatInstant } from '../../format/money';

/** What a communication carried, as the API answers it (the rendered subject and text, a letter's PDF link). */
export type CommunicationShown = Pick<CommunicationView, 'channel' | 'at' | 'subject' | 'text' | 'pdfUrl' | 'pdfUrlExpiresAt'>;

/** What the content of each channel is called: an email, an SMS, a call's script. */
const CONTENT_WORD: Record<NodeType, string> = { email: 'email', sms: 'SMS', voice: 'voice script', call: 'call script', letter: 'letter', ticket: 'ticket' };

export const hasContent = (m: CommunicationShown): boolean => Boolean(m.subject || m.text || m.pdfUrl);

/** The subject, the text as sent (line breaks kept) and, for a letter, the link to its PDF. */
export function CommunicationContent({ message: m }: { message: CommunicationShown }) {
  return (
    <Stack gap={4}>
      {m.subject && (
        <Text size="sm">
          <Text span fw={600}>
            {m.channel === 'ticket' ? 'Title' : 'Subject'}:
          </Text>{' '}
          {m.subject}
        </Text>
      )}
      {m.text && (
        <Text size="sm" component="div" style={{ whiteSpace: 'pre-wrap' }}>
          {m.text}
        </Text>
      )}
      {m.pdfUrl && (
        <Text size="sm">
          <Anchor href={m.pdfUrl} target="_blank" rel="noopener noreferrer">
            Open letter (PDF)
          </Anchor>{' '}
          {m.pdfUrlExpiresAt && <Text span size="xs" c="dimmed">(link valid until {formatInstant(m.pdfUrlExpiresAt)}; the page fetches a new one before then)</Text>}
        </Text>
      )}
    </Stack>
  );
}

/**
 * A button that shows and hides one communication's content beneath it, named by what it shows
 * and when it went ("Show email of 2 Dec 2026, 09:00 UTC"). Nothing when the API gave no content
 * (a skipped message, one sent before content was recorded).
 */
export function CommunicationDisclosure({ message }: { message: CommunicationShown }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  if (!hasContent(message)) return null;
  const what = `${CONTENT_WORD[message.channel]} of ${formatInstant(message.at)}`;
  return (
    <Stack gap={4} align="flex-start">
      <Button variant="subtle" size="compact-sm" px={0} aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {open ? `Hide ${what}` : `Show ${what}`}
      </Button>
      <div id={id} role="region" aria-label={what.replace(/^./, (c) => c.toUpperCase())} hidden={!open}>
        {open && <CommunicationContent message={message} />}
      </div>
    </Stack>
  );
}
