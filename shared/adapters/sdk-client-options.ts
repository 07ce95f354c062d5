import { Agent } from 'node:http';
import { config } from './config';

/**
 * The SDK's logger middleware builds a redacted copy of every request and response for
 * `logger.info` / `logger.error` even when the logger does nothing (its default one); with
 * neither method there it builds nothing. That copy walks every item of every batch and every
 * attribute of every case: a few percent of the CPU of each call. Nothing of ours reads the
 * SDK's own log lines (our logger records what matters).
 */
const QUIET_SDK_LOGGER = { trace() {}, debug() {}, warn() {} } as never;

/**
 * HTTP for the local runtime. Locally every workflow due at one virtual instant calls the
 * stand-ins at once (a thousand cases, a thousand requests): one keep-alive agent with more
 * sockets than the SDK's 50, and a long inactivity timeout, because a request may wait behind a
 * thousand others in the one process. On AWS the SDK's defaults stay.
 */
function localHttpTuning() {
  return config().RECOUP_LOCAL ? { requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }), requestTimeout: 120_000 } } : {};
}

/** Options every SDK client of ours is created with: the quiet logger, and locally the HTTP tuning. */
export function sdkClientOptions() {
  return { logger: QUIET_SDK_LOGGER, ...localHttpTuning() };
}
