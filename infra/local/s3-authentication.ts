import type { S3rverMiddleware } from 's3rver';
import { checkS3Request, s3ErrorXml } from './s3-auth';

/**
 * s3rver middleware that refuses, with S3's status and XML error, every request S3 would refuse
 * for its authentication (see s3-auth.ts); what passes goes on to s3rver unchanged.
 */
export function s3Authentication(secrets: ReadonlyMap<string, string>): S3rverMiddleware {
  return async (ctx, next) => {
    const { method = 'GET', url = '/', headers } = ctx.req;
    // A CORS preflight carries no credentials: S3 answers it from the bucket's CORS rules.
    if (method === 'OPTIONS') return next();
    const refused = await checkS3Request({ method, url, headers }, secrets);
    if (!refused) return next();
    ctx.status = refused.status;
    ctx.type = 'application/xml';
    ctx.body = s3ErrorXml(refused, url.split('?')[0]!);
  };
}
