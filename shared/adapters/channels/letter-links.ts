import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '../config';
import { sdkClientOptions } from '../sdk-client-options';
import { LETTER_PREFIX } from './letter-keys';

let s3: S3Client | undefined;
/** The S3 client of the documents bucket, created once. */
export const letterS3 = () => (s3 ??= new S3Client({ forcePathStyle: config().S3_FORCE_PATH_STYLE, ...sdkClientOptions() }));

/**
 * How long a link to a letter works: the print service fetches the PDF when it takes the job, a
 * person opens it from the console at once; a link that leaks later opens nothing.
 */
export const LETTER_URL_SECONDS = 15 * 60;

/** The letters bucket, or a clear error when the stack gave this function none. */
export function letterBucket(): string {
  const bucket = config().LETTER_BUCKET;
  if (!bucket) throw new Error('LETTER_BUCKET is not set; grant documentsBucket in infra/function-catalog.ts');
  return bucket;
}

/**
 * A presigned GET of one stored letter, valid LETTER_URL_SECONDS: the bucket stays private and
 * S3 checks the signature (an edited key or expiry is refused). Only keys under letters/.
 */
export async function letterLink(key: string): Promise<{ url: string; expiresAt: string }> {
  if (!key.startsWith(LETTER_PREFIX)) throw new Error(`letter keys start with ${LETTER_PREFIX}; got ${key}`);
  // Wall time: the URL's expiry is checked by S3 against real time, not the workflow clock.
  const expiresAt = new Date(Date.now() + LETTER_URL_SECONDS * 1000).toISOString();
  const url = await getSignedUrl(letterS3(), new GetObjectCommand({ Bucket: letterBucket(), Key: key }), { expiresIn: LETTER_URL_SECONDS });
  return { url, expiresAt };
}
