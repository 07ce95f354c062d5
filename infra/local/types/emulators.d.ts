// Minimal typings for the local stand-ins that ship none.
declare module 'dynalite' {
  import type { Server } from 'node:http';
  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}

declare module 's3rver' {
  import type { AddressInfo } from 'node:net';
  import type { EventEmitter } from 'node:events';
  interface S3rverOptions {
    port?: number;
    address?: string;
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs: (string | Buffer)[] }[];
  }
  /** One S3 event notification record, as s3rver emits it (the key is not URL-encoded). */
  export interface S3rverEvent {
    Records: {
      eventName: string;
      eventTime: string;
      s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string } };
    }[];
  }
  /** A Koa middleware of s3rver's app (s3rver is a Koa application). */
  export type S3rverMiddleware = (ctx: { req: import('node:http').IncomingMessage; status: number; type: string; body: unknown }, next: () => Promise<void>) => Promise<void>;
  export default class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    /** Koa's middleware stack, composed when the server starts (`run`). */
    middleware: S3rverMiddleware[];
    run(): Promise<AddressInfo>;
    /** The HTTP server, once `run` resolved. */
    httpServer?: import('node:http').Server;
    close(): Promise<void>;
    on(event: 'event', listener: (event: S3rverEvent) => void): this;
  }
}
