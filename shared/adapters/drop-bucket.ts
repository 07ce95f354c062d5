import { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NotFound, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from './config';
import { sdkClientOptions } from './sdk-client-options';

let client: S3Client | undefined;

/** One S3 client per process; the endpoint comes from AWS_ENDPOINT_URL_S3 locally (s3rver). */
export function s3(): S3Client {
  // Checksums only when S3 requires them: streamed uploads otherwise go out aws-chunked, which s3rver stores verbatim.
  client ??= new S3Client({ forcePathStyle: config().S3_FORCE_PATH_STYLE, maxAttempts: 6, requestChecksumCalculation: 'WHEN_REQUIRED', ...sdkClientOptions() });
  return client;
}

export interface ObjectHead {
  etag: string;
  size: number;
  contentType?: string;
}

/** The drop bucket: uploaded CSVs and the import error reports. */
export const dropBucket = {
  async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    try {
      const out = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { etag: (out.ETag ?? '').replace(/"/g, ''), size: out.ContentLength ?? 0, contentType: out.ContentType };
    } catch (e) {
      if (e instanceof NotFound || e instanceof NoSuchKey || (e as { name?: string }).name === 'NotFound') return undefined;
      throw e;
    }
  },

  /**
   * The object's bytes from `offset` on, as a stream (never buffered whole). `IfMatch` pins the
   * version we started on: if the object was replaced mid-import, the read fails rather than
   * mixing two files. A connection reset while the body streams is read on from where it broke.
   */
  async stream(bucket: string, key: string, etag: string, offset = 0): Promise<Readable> {
    const open = async (from: number) => {
      const out = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: `"${etag}"`, Range: from > 0 ? `bytes=${from}-` : undefined }));
      return { body: out.Body as Readable, length: out.ContentLength };
    };
    return resumingBody(open, offset, await open(offset));
  },

  async putText(bucket: string, key: string, body: string, contentType = 'text/csv; charset=utf-8'): Promise<void> {
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
  },

  async getText(bucket: string, key: string): Promise<string> {
    const out = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body!.transformToString('utf8');
  },

  /** Keys under a prefix, in key order. */
  async list(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  },

  /**
   * Writes `head` followed by the objects `parts` as one object, streaming part after part
   * (memory holds one network buffer, not the report).
   */
  async concat(bucket: string, key: string, head: string, parts: string[]): Promise<void> {
    let length = Buffer.byteLength(head);
    for (const part of parts) length += (await this.head(bucket, part))?.size ?? 0;
    async function* body() {
      yield Buffer.from(head);
      for (const part of parts) {
        const out = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: part }));
        for await (const chunk of out.Body as Readable) yield chunk as Buffer;
      }
    }
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Readable.from(body()), ContentLength: length, ContentType: 'text/csv; charset=utf-8' }));
  },

  async deleteMany(bucket: string, keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      await s3().send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
    }
  },

  /** A presigned GET of one object (an import's error report), valid for `expiresInSeconds`. */
  presignGet(bucket: string, key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(s3(), new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
  },

  /** A presigned PUT for a client's upload; the upload itself triggers the import. */
  presignPut(bucket: string, key: string, expiresInSeconds: number): Promise<string> {
    // No content type is signed, so any HTTP client's PUT of the file is accepted.
    return getSignedUrl(s3(), new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
  },
};

interface OpenedBody {
  body: Readable;
  /** Bytes the response announced (Content-Length). */
  length?: number;
}

/** Resets of a body's connection that a ranged GET from the same byte goes on after. */
const RESUMABLE_BODY_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const BODY_RESUMES = 5;

function isResumableBodyError(e: unknown): boolean {
  const { code, message } = (e ?? {}) as { code?: string; message?: string };
  return (code !== undefined && RESUMABLE_BODY_ERRORS.has(code)) || message === 'aborted' || message === 'socket hang up';
}

/**
 * The SDK retries a request until its response headers arrive, not the body after them: once
 * `send()` resolved, a reset while the body streams ("socket hang up", ECONNRESET, a socket
 * timeout while the reader is paused) surfaces as an error of the stream, and no retry strategy
 * or request handler setting covers it (https://github.com/aws/aws-sdk-js-v3/issues/8098:
 * "send() already succeeded, the retry strategy is done; the failure is in the body phase").
 * So the body is read on from the first byte not yet passed on, with a ranged GET of the same
 * version, a few times with backoff; the reader sees one unbroken stream.
 */
function resumingBody(open: (from: number) => Promise<OpenedBody>, offset: number, first: OpenedBody): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    let position = offset;
    for (let resumes = 0, opened = first; ; opened = await open(position)) {
      const start = position;
      try {
        for await (const chunk of opened.body) {
          position += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
        // A body that ends short of its length without an error lost its connection too.
        if (opened.length === undefined || position - start >= opened.length) return;
        throw Object.assign(new Error(`the body ended after ${position - start} of ${opened.length} bytes`), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
      } catch (e) {
        opened.body.destroy();
        if (!isResumableBodyError(e) || ++resumes > BODY_RESUMES) throw e;
        await new Promise((r) => setTimeout(r, 100 * 2 ** resumes));
      }
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}
