/** Integer minor units as the person reads them, e.g. 123456 EUR -> "€1,234.56". */
export function formatMoney(minor: number, currency: string): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(minor / 10 ** digits);
}

/** What a person types ("1234.56") as minor units, or undefined when it is not an amount. */
export function parseMoney(text: string, currency: string): number | undefined {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const t = text.trim().replace(/,/g, '');
  if (!new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`).test(t)) return undefined;
  const [whole, frac = ''] = t.split('.');
  return Number(whole) * 10 ** digits + Number(frac.padEnd(digits, '0') || 0);
}

export const formatPhase = (phase: string): string => phase.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
export const formatInstant = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC' : '');
