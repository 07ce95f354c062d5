import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError } from '../../../api/client';

/** The API's field details (dotted paths such as `settings.enrichment.intervalDays`) under one section. */
export function detailsUnder(error: unknown, section: string): { path: string; message: string }[] {
  if (!(error instanceof ApiError)) return [];
  const prefix = `${section}.`;
  return (error.details ?? []).flatMap((d) => {
    const path = d.path ?? '';
    return path.startsWith(prefix) ? [{ path: path.slice(prefix.length), message: d.message }] : [];
  });
}

/** Puts each of the API's field messages on its form field; answers whether any landed. */
export function applyApiErrors<T extends FieldValues>(error: unknown, section: string, setError: UseFormSetError<T>): boolean {
  const details = detailsUnder(error, section);
  for (const d of details) setError(d.path as Path<T>, { type: 'server', message: d.message });
  return details.length > 0;
}

export const isStaleVersion = (error: unknown): boolean => error instanceof ApiError && error.status === 409;
export const isMissingRoute = (error: unknown): boolean => error instanceof ApiError && error.status === 404;
