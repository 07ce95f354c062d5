import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** Helpers the local runtime and its plugins share to bring up and stop their stand-ins. */

interface Listenable {
  listen(port: number, host: string, cb: () => void): unknown;
  once(event: 'error', cb: (e: Error) => void): unknown;
  address(): AddressInfo | string | null;
}

export function listen(server: Listenable, port: number, what: string): Promise<number> {
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
