import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError } from '../api/client';

/**
 * The API's refusal in the form: each detail whose field the form has goes under that field,
 * the rest (and the message) above the buttons. Answers the text for the form's alert.
 */
export function showApiError<T extends FieldValues>(e: unknown, setError: UseFormSetError<T>, fields: readonly string[]): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  const unplaced: string[] = [];
  for (const d of e.details) {
    if (d.path && fields.includes(d.path)) setError(d.path as Path<T>, { type: 'server', message: d.message });
    else unplaced.push(d.path ? `${d.path} ${d.message}` : d.message);
  }
  return [e.message, ...unplaced].join('; ');
}
