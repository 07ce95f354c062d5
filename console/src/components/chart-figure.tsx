import { VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A chart as a figure named `label`, with its figures in words for a screen reader (`summary`):
 * the drawing alone tells a person who cannot see it nothing.
 */
export function ChartFigure({ label, summary, children }: { label: string; summary: string; children: ReactNode }) {
  return (
    <figure aria-label={label} style={{ margin: 0 }}>
      {children}
      <VisuallyHidden component="figcaption">{summary}</VisuallyHidden>
    </figure>
  );
}

/** "a 2, b 1" from rows of a label and a number, or `none` when there are no rows. */
export const listFigures = (rows: [string, string | number][], none = 'none yet'): string => (rows.length ? rows.map(([k, v]) => `${k} ${v}`).join(', ') : none);
