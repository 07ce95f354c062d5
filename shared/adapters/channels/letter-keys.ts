import { createHash } from 'node:crypto';

/** Every letter is stored under this prefix of the documents bucket (the stack's presign grant names it). */
export const LETTER_PREFIX = 'letters/';

/** Where the letter of one send is stored: per case, named from the send's idempotency key, so a retry of the step writes the same object. */
export function letterKey(caseId: string, sendKey: string): string {
  return `${LETTER_PREFIX}${caseId}/${createHash('sha256').update(sendKey).digest('hex').slice(0, 24)}.pdf`;
}
