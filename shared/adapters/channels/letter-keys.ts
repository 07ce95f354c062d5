/** Every letter is stored under this prefix of the documents bucket (the stack's presign grant names it). */
export const LETTER_PREFIX = 'letters/';
