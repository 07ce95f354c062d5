import { createTheme } from '@mantine/core';

/**
 * Shade 8 of the primary colour on white text and links meets WCAG AA contrast (4.5:1);
 * Mantine's default shade 6 does not for small text.
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
});
