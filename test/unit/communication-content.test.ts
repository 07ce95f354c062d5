import { expect, it } from 'vitest';
import { MAX_STORED_SUBJECT, MAX_STORED_TEXT, communicationContent, cutForStorage } from '../../shared/domain/communication-content';
import { renderMessage } from '../../shared/domain/templates';
import { templateSchema } from '../../shared/schemas/business-entity';

/** DynamoDB's item limit, in UTF-8 bytes of names and values. */
const ITEM_LIMIT = 400 * 1024;

it('keeps what was sent as rendered: subject and text for email, letters and tickets; the text alone for SMS and calls', () => {
  const m = { subject: 'Your balance of 125.00 EUR', text: 'Dear Dana, you owe 125.00 EUR since 2026-01-15.' };
  expect(communicationContent('email', m)).toEqual(m);
  expect(communicationContent('letter', m)).toEqual(m);
  expect(communicationContent('ticket', m)).toEqual(m);
  for (const channel of ['sms', 'voice', 'call'] as const) expect(communicationContent(channel, m)).toEqual({ text: m.text });
  // An email with an html part only has no text to keep.
  expect(communicationContent('email', { subject: 'Hi', text: '', html: '<p>Hi</p>' })).toEqual({ subject: 'Hi' });
});

it('a template within its schema bounds whose merge fields render past the bound is cut with a marker, and the record stays far below the item limit', () => {
  // 20,000 characters of the longest merge field of all, the entity's footer (2,000 characters, 3 UTF-8 bytes each).
  const field = '{{entity.emailFooter}}';
  const template = templateSchema.parse({ subject: `${field} `.repeat(14).slice(0, 300), text: field.repeat(Math.floor(20_000 / field.length)) });
  const view = { entity: { emailFooter: '€'.repeat(2_000) } };
  const rendered = renderMessage(template, 'email', view, 'huge');
  expect(rendered.text.length).toBeGreaterThan(1_000_000);

  const content = communicationContent('email', rendered);
  expect(content.text!.startsWith(rendered.text.slice(0, MAX_STORED_TEXT))).toBe(true);
  expect(content.text!.slice(MAX_STORED_TEXT)).toBe(`\n[cut: the message was ${rendered.text.length.toLocaleString('en-GB')} characters long; the first 40,000 are kept here]`);
  expect(content.subject!.length).toBeLessThan(MAX_STORED_SUBJECT + 120);
  expect(content.subject).toMatch(/\[cut: the message was [\d,]+ characters long; the first 1,000 are kept here]$/);
  const record = { key: 'c-1:c-1-mainOutreach-1:0:1', clientId: 'cl-1', at: '2026-01-15T09:00:00.000Z', channel: 'email', workflow: 'mainOutreach', node: 0, attempt: 1, template: 'huge', recipient: 'dana@example.com', status: 'sent', providerId: 'p-1', ...content };
  expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThan(ITEM_LIMIT / 3);
});

it('a text within the bound is kept whole; a cut never splits a character made of two code units', () => {
  const whole = 'x'.repeat(MAX_STORED_TEXT);
  expect(cutForStorage(whole, MAX_STORED_TEXT)).toBe(whole);
  const emoji = `${'x'.repeat(MAX_STORED_TEXT - 1)}😀😀`;
  const cut = cutForStorage(emoji, MAX_STORED_TEXT);
  expect(cut.startsWith(`${'x'.repeat(MAX_STORED_TEXT - 1)}\n[cut:`)).toBe(true);
  expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
});
