import { createHash, createHmac, timingSafeEqual, type Hash as NodeHash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, HttpRequest, SourceData } from '@smithy/types';

/**
 * What S3 checks before it serves a request, checked in front of s3rver (which verifies only
 * Signature V2 and lets anonymous and V4-signed requests through unchecked): every request is
 * signed with Signature V4, by header or by presigned query, with a known key, and the signature
 * is recomputed with the SDK's own signer over the method, path, query and signed headers, so a
 * URL whose key, method, expiry or signature was changed is refused with S3's own error.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 * The payload hash is taken as the request states it (S3 also hashes the body it receives; the
 * local stand-in does not read bodies twice).
 */
export interface S3Refusal {
  status: 400 | 403;
  code: string;
  message: string;
}

export interface S3AuthRequest {
  method: string;
  /** The request target as received: encoded path plus query. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** Header-signed requests older or newer than this are refused, as S3 does. */
const MAX_SKEW_MS = 15 * 60_000;
/** The longest a presigned URL may live (seven days). */
const MAX_EXPIRES_SECONDS = 604_800;

const AUTH_QUERY = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];

/** node:crypto behind the SDK's Checksum interface (SHA-256, or HMAC-SHA-256 with a secret). */
class Sha256 implements Checksum {
  private hash: NodeHash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function bytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** The signer's canonical request and string to sign, which it keeps protected. */
class Verifier extends SignatureV4 {
  constructor(accessKeyId: string, secretAccessKey: string, region: string) {
    // S3 signs the path as sent (no second encoding): the SDK's S3 signer does the same.
    super({ service: 's3', region, credentials: { accessKeyId, secretAccessKey }, sha256: Sha256, uriEscapePath: false });
  }
  async signatureOf(request: HttpRequest, signedHeaders: string[], payloadHash: string, longDate: string, scope: string, signingDate: Date, region: string): Promise<string> {
    const picked: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = Object.entries(request.headers).find(([k]) => k.toLowerCase() === name)?.[1];
      if (value === undefined) throw refusal(403, 'SignatureDoesNotMatch', `signed header ${name} is missing from the request`);
      picked[name] = value;
    }
    const canonicalHeaders = getCanonicalHeaders({ ...request, headers: picked }, undefined, new Set(signedHeaders));
    const canonical = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const stringToSign = await this.createStringToSign(longDate, scope, canonical, 'AWS4-HMAC-SHA256');
    return this.sign(stringToSign, { signingDate, signingRegion: region, signingService: 's3' });
  }
}

class Refused extends Error {
  constructor(readonly refusal: S3Refusal) {
    super(refusal.message);
  }
}
const refusal = (status: 400 | 403, code: string, message: string) => new Refused({ status, code, message });

/** `20260105T090000Z` as a Date; NaN Date when malformed. */
function amzDate(s: string | undefined): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : new Date(NaN);
}

/**
 * Checks one request as S3 would; undefined when it may go on. `secrets` maps access key ids to
 * secret keys; `now` is wall time (signatures and expiry are about real time, not the virtual clock).
 */
export async function checkS3Request(req: S3AuthRequest, secrets: ReadonlyMap<string, string>, now: Date = new Date()): Promise<S3Refusal | undefined> {
  try {
    await verify(req, secrets, now);
    return undefined;
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}

async function verify(req: S3AuthRequest, secrets: ReadonlyMap<string, string>, now: Date): Promise<void> {
  const target = new URL(req.url, 'http://local');
  const rawPath = req.url.split('?')[0]!;
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of target.searchParams) {
    const had = query[k];
    query[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  const headers = Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(',') : v]])));
  const authorization = headers.authorization;
  const presigned = 'X-Amz-Algorithm' in query || 'X-Amz-Signature' in query;
  if (!authorization && !presigned) {
    if ('Signature' in query || 'AWSAccessKeyId' in query) throw refusal(400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
    throw refusal(403, 'AccessDenied', 'Access Denied (the bucket allows no anonymous requests: sign them with Signature V4)');
  }
  if (authorization && presigned) throw refusal(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified');

  let credential: string;
  let signedHeaders: string[];
  let provided: string;
  let longDate: string;
  let payloadHash: string;
  const unsignedQuery = { ...query };
  if (presigned) {
    for (const p of AUTH_QUERY) {
      if (typeof query[p] !== 'string') throw refusal(400, 'AuthorizationQueryParametersError', `Query-string authentication version 4 requires the ${AUTH_QUERY.join(', ')} parameters (${p} is missing)`);
    }
    if (query['X-Amz-Algorithm'] !== 'AWS4-HMAC-SHA256') throw refusal(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    credential = query['X-Amz-Credential'] as string;
    signedHeaders = (query['X-Amz-SignedHeaders'] as string).split(';');
    provided = query['X-Amz-Signature'] as string;
    longDate = query['X-Amz-Date'] as string;
    delete unsignedQuery['X-Amz-Signature'];
    const expires = Number(query['X-Amz-Expires']);
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) throw refusal(400, 'AuthorizationQueryParametersError', `X-Amz-Expires must be between 1 and ${MAX_EXPIRES_SECONDS} seconds`);
    const signed = amzDate(longDate);
    if (Number.isNaN(signed.getTime())) throw refusal(400, 'AuthorizationQueryParametersError', 'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
    if (now.getTime() > signed.getTime() + expires * 1000) throw refusal(403, 'AccessDenied', 'Request has expired');
    if (signed.getTime() > now.getTime() + MAX_SKEW_MS) throw refusal(403, 'AccessDenied', 'Request is not valid yet');
    // Query authentication leaves the payload unsigned.
    payloadHash = 'UNSIGNED-PAYLOAD';
  } else {
    const m = /^AWS4-HMAC-SHA256 (.+)$/.exec(authorization!);
    if (!m) throw refusal(400, 'InvalidArgument', 'Unsupported Authorization Type (only AWS4-HMAC-SHA256 is accepted)');
    const parts = new Map(m[1]!.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
    if (!parts.get('Credential') || !parts.get('SignedHeaders') || !parts.get('Signature')) {
      throw refusal(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed; it requires Credential, SignedHeaders and Signature.');
    }
    credential = parts.get('Credential')!;
    signedHeaders = parts.get('SignedHeaders')!.split(';');
    provided = parts.get('Signature')!;
    longDate = headers['x-amz-date'] ?? '';
    const signed = amzDate(longDate);
    if (Number.isNaN(signed.getTime())) throw refusal(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    if (Math.abs(now.getTime() - signed.getTime()) > MAX_SKEW_MS) throw refusal(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
    payloadHash = headers['x-amz-content-sha256'] ?? '';
    if (!payloadHash) throw refusal(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  if (!signedHeaders.includes('host')) throw refusal(403, 'SignatureDoesNotMatch', 'The host header must be signed');

  const [accessKeyId, shortDate, region, service, terminator] = credential.split('/');
  const secret = secrets.get(accessKeyId ?? '');
  if (!secret) throw refusal(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (shortDate !== longDate.slice(0, 8) || service !== 's3' || terminator !== 'aws4_request' || !region) {
    throw refusal(400, 'AuthorizationHeaderMalformed', `The credential scope ${credential.split('/').slice(1).join('/')} is not <date>/<region>/s3/aws4_request for this request`);
  }
  const request: HttpRequest = { method: req.method, protocol: 'http:', hostname: target.hostname, path: rawPath, query: unsignedQuery, headers };
  const expected = await new Verifier(accessKeyId!, secret, region).signatureOf(request, signedHeaders, payloadHash, longDate, `${shortDate}/${region}/s3/aws4_request`, amzDate(longDate), region);
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
}

/** S3's XML error body. */
export function s3ErrorXml(r: S3Refusal, resource: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${r.code}</Code><Message>${esc(r.message)}</Message><Resource>${esc(resource)}</Resource></Error>`;
}
