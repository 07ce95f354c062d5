/** Where the functions' EMF metrics land: written by metrics.ts, read by the dashboard and alarms. */
export const METRICS_NAMESPACE = 'Recoup';
/** The `service` dimension of every metric: one service, whichever function emits it. */
export const METRICS_SERVICE = 'recoup';
