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
 * HTTP tuning, when SDK_HTTP_MAX_SOCKETS asks for it. The local runtime sets it: there every
 * workflow due at one virtual instant calls the stand-ins at once (a thousand cases, a thousand
 * requests), so one keep-alive agent with more sockets than the SDK's 50 and a long inactivity
 * timeout, because a request may wait behind a thousand others. The stack leaves it unset, so
 * on AWS the SDK's defaults stay.
 */
function httpTuning() {
  const sockets = config().SDK_HTTP_MAX_SOCKETS;
  return sockets ? { requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }), requestTimeout: 120_000 } } : {};
}

/** Options every SDK client of ours is created with: the quiet logger, and the HTTP tuning if asked for. */
export function sdkClientOptions() {
  return { logger: QUIET_SDK_LOGGER, ...httpTuning() };
}
