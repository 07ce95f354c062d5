/**
 * The drop bucket's CORS rule: the console's origin may PUT a CSV through a presigned URL
 * (the same rule the stack gives the bucket on AWS). S3 answers the browser's preflight from it
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html).
 */
export function dropBucketCorsXml(consoleOrigins: readonly string[]): string {
  const origins = consoleOrigins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`).join('');
  return `<CORSConfiguration><CORSRule>${origins}<AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}
