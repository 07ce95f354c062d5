import { createTheme, Modal, Notification, type CSSVariablesResolver } from '@mantine/core';

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
  components: {
    // Their close buttons are an icon only: without a name a screen reader announces "button".
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});

/**
 * Mantine's dimmed text (field descriptions, table captions, "nothing yet" lines) is gray.6,
 * 3.3:1 on white; gray.7 is 8.2:1, still lighter than the body text it sits under.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7]! },
  dark: {},
});
