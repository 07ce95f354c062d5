import type { Communication } from '../schemas/case';
import type { NodeType } from '../schemas/workflow';
import type { RenderedMessage } from './templates';

/**
 * The longest text a communication keeps, in UTF-16 code units (JavaScript string length).
 * A communication is one DynamoDB item, which holds at most 400 KB (names and values, UTF-8).
 * The template schema bounds the template's own parts (shared/schemas/business-entity.ts: text
 * and letter 20,000 characters, voice 3,000, SMS 1,600, subject 300; the entity's footer, 2,000,
 * is appended to an email's text), but not what they render to: a merge field such as
 * `{{entity.emailFooter}}` can be used many times and a section repeats over a plan's
 * instalments. So the rendered text is cut at twice the largest template text: a template
 * within its bounds is kept whole unless its merge fields more than double it, and a code unit
 * is at most 3 UTF-8 bytes (a surrogate pair 4 for two), so the kept text and its marker stay
 * near 120 KB: with the subject and the record's other fields, under a third of the item's limit.
 */
export const MAX_STORED_TEXT = 40_000;

/** The longest subject kept: a template's subject is at most 300 characters before its merge fields. At most 3 KB. */
export const MAX_STORED_SUBJECT = 1_000;

/** Cuts `s` to at most `max` code units (never inside a surrogate pair) and says so at the cut. */
export function cutForStorage(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\uD800-\uDBFF]/.test(s[max - 1]!) ? max - 1 : max;
  return `${s.slice(0, end)}\n[cut: the message was ${s.length.toLocaleString('en-GB')} characters long; the first ${end.toLocaleString('en-GB')} are kept here]`;
}

/**
 * What a communication records of the message it carried, as the debtor got it: the subject
 * where the channel has one (email, letter, ticket), and the text (an SMS, a voice or call
 * script, an email's text part, a letter's body). A sent letter's PDF key is added by its send.
 */
export function communicationContent(channel: NodeType, m: RenderedMessage): Pick<Communication, 'subject' | 'text'> {
  const withSubject = channel === 'email' || channel === 'letter' || channel === 'ticket';
  return {
    ...(withSubject && m.subject ? { subject: cutForStorage(m.subject, MAX_STORED_SUBJECT) } : {}),
    ...(m.text ? { text: cutForStorage(m.text, MAX_STORED_TEXT) } : {}),
  };
}
