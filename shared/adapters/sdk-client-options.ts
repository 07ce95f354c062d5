import { localHttpTuning } from './local-http';

/**
 * The SDK's logger middleware builds a redacted copy of every request and response for
 * `logger.info` / `logger.error` even when the logger does nothing (its default one); with
 * neither method there it builds nothing. That copy walks every item of every batch and every
 * attribute of every case: a few percent of the CPU of each call. Nothing of ours reads the
 * SDK's own log lines (our logger records what matters).
 */
const QUIET_SDK_LOGGER = { trace() {}, debug() {}, warn() {} } as never;

/** Options every SDK client of ours is created with: the quiet logger, and locally the HTTP tuning. */
export function sdkClientOptions() {
  return { logger: QUIET_SDK_LOGGER, ...localHttpTuning() };
}
