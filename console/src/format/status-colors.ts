/**
 * Badge colours for statuses, each at least 4.5:1 against the badge's white text (WCAG AA for
 * small text): Mantine's green is too light at every shade (green.9 is 4.4:1), so a success is teal.9.
 */
const OK = 'teal.9'; // 5.0:1
const FAILED = 'red.9'; // 5.5:1
const UNDER_WAY = 'blue.9'; // 6.1:1
const NEUTRAL = 'gray.7'; // 8.2:1
const ODD = 'grape.9'; // 7.3:1

/** A communication's status (sent, failed, skipped, sending, unknown). */
export const communicationStatusColor = (status: string): string => ({ sent: OK, failed: FAILED, sending: UNDER_WAY, unknown: ODD })[status] ?? NEUTRAL;

/** An import's status (pending, processing, completed, failed). */
export const importStatusColor = (status: string): string => ({ completed: OK, failed: FAILED, processing: UNDER_WAY })[status] ?? NEUTRAL;
