import { Agent } from 'node:http';
import { config } from './config';

/**
 * SDK client options for the local runtime. Locally every workflow due at one virtual instant
 * calls the stand-ins at once (a thousand cases, a thousand requests): one keep-alive agent with
 * more sockets than the SDK's 50, and a long inactivity timeout, because a request may wait
 * behind a thousand others in the one process. On AWS the SDK's defaults stay.
 */
export function localHttpTuning() {
  return config().RECOUP_LOCAL ? { requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }), requestTimeout: 120_000 } } : {};
}
