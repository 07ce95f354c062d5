import { addDays } from './dates';

/**
 * The due attempts of a case, dated from its start. An attempt that fell due before `today` (a
 * first run that waited to start) is dated today: the sweep has already passed its own day and
 * would never read it there.
 */
export function dueAttempts(startedAt: string, settings: { intervalDays: number; attempts: number }, today: string): { attempt: number; dueDate: string }[] {
  const start = startedAt.slice(0, 10);
  return Array.from({ length: Math.max(0, settings.attempts) }, (_, i) => {
    const due = addDays(start, settings.intervalDays * (i + 1));
    return { attempt: i + 1, dueDate: due < today ? today : due };
  });
}
