import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** Helpers the local runtime and its plugins share to bring up and stop their stand-ins. */

interface Listenable {
  listen(port: number, host: string, cb: () => void): unknown;
  once(event: 'error', cb: (e: Error) => void): unknown;
  address(): AddressInfo | string | null;
  keepAliveTimeout?: number;
}

/**
 * How long a stand-in keeps an idle keep-alive connection open: far longer than the handlers'
 * event loop can stall (a long GC pause, a cohort's burst of work). With Node's 5 s a stand-in on
 * another thread closed every idle socket of a stalled process at once; the next burst of
 * requests found them dead ("socket hang up"), and the many resets drained the SDK client's retry
 * quota, so most of them were not retried. AWS endpoints keep idle connections for minutes, and
 * the SDK's agent closes its sockets before the `Keep-Alive: timeout` this announces.
 */
export const IDLE_CONNECTION_MS = 10 * 60_000;

/** Gives an HTTP server the stand-ins' idle-connection time (see IDLE_CONNECTION_MS). */
export function holdIdleConnections(server: { keepAliveTimeout?: number }): void {
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
}

export function listen(server: Listenable, port: number, what: string): Promise<number> {
  if ('keepAliveTimeout' in server) holdIdleConnections(server);
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(portError(e, port, what)));
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function rethrowPort(e: Error, port: number, what: string): never {
  throw portError(e, port, what);
}

function portError(e: Error, port: number, what: string): Error {
  if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new Error(`${what} cannot listen on 127.0.0.1:${port}: the port is in use. Stop what uses it or choose another port (see the ports table in the README, "Running locally").`);
  }
  return e;
}

export function close(server: { close(cb: (e?: Error) => void): unknown; closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** Creates a bucket in s3rver unless it exists. */
export async function ensureBucket(endpoint: string, bucket: string): Promise<void> {
  const s3 = new S3Client({ endpoint, forcePathStyle: true });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
}
