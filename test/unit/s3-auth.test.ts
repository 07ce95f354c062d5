import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import { checkS3Request } from '../../infra/local/s3-auth';

const ENDPOINT = 'http://127.0.0.1:4569';
const secrets = new Map([['S3RVER', 'S3RVER']]);
const s3 = new S3Client({ endpoint: ENDPOINT, forcePathStyle: true, region: 'eu-west-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
afterAll(() => s3.destroy());

/** A presigned URL as the HTTP request a client sends with it. */
const asRequest = (url: string, method: string) => {
  const u = new URL(url);
  return { method, url: `${u.pathname}${u.search}`, headers: { host: u.host } };
};
const putUrl = (key: string, expiresIn = 900) => getSignedUrl(s3, new PutObjectCommand({ Bucket: 'recoup-drop', Key: key }), { expiresIn });

describe('the local S3 checks presigned URLs as S3 does', () => {
  it('accepts the URL the SDK presigned, for its method, before it expires (keys with spaces and unicode too)', async () => {
    expect(await checkS3Request(asRequest(await putUrl('client-a/cases.csv'), 'PUT'), secrets)).toBeUndefined();
    expect(await checkS3Request(asRequest(await putUrl('client-a/März 2026 (1).csv'), 'PUT'), secrets)).toBeUndefined();
    const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'recoup-letters', Key: 'letters/c-1/abc.pdf' }), { expiresIn: 300 });
    expect(await checkS3Request(asRequest(get, 'GET'), secrets)).toBeUndefined();
  });

  it('refuses a URL edited to another key (another client folder)', async () => {
    const url = (await putUrl('client-a/cases.csv')).replace('/client-a/', '/client-b/');
    expect(await checkS3Request(asRequest(url, 'PUT'), secrets)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a PUT URL used to GET or DELETE', async () => {
    const url = await putUrl('client-a/cases.csv');
    for (const method of ['GET', 'DELETE', 'HEAD']) expect(await checkS3Request(asRequest(url, method), secrets)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a changed expiry, a changed signature, and an expired URL', async () => {
    const url = await putUrl('client-a/cases.csv', 60);
    expect(await checkS3Request(asRequest(url.replace('X-Amz-Expires=60', 'X-Amz-Expires=6000'), 'PUT'), secrets)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const sig = /X-Amz-Signature=([0-9a-f]+)/.exec(url)![1]!;
    const other = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    expect(await checkS3Request(asRequest(url.replace(sig, other), 'PUT'), secrets)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(await checkS3Request(asRequest(url, 'PUT'), secrets, new Date(Date.now() + 61_000))).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Request has expired' });
  });

  it('refuses anonymous requests and unknown keys', async () => {
    expect(await checkS3Request({ method: 'GET', url: '/recoup-drop', headers: { host: '127.0.0.1:4569' } }, secrets)).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(await checkS3Request({ method: 'GET', url: '/recoup-letters/letters/c-1/abc.pdf', headers: { host: '127.0.0.1:4569' } }, secrets)).toMatchObject({ status: 403, code: 'AccessDenied' });
    const url = await putUrl('client-a/cases.csv');
    expect(await checkS3Request(asRequest(url, 'PUT'), new Map([['OTHER', 'x']]))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
  });
});
