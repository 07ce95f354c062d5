import { z } from 'zod';

/**
 * Configuration of every function, validated once at cold start. On AWS the CDK house
 * function sets these; locally the local runtime sets them before loading any handler.
 */
const configSchema = z.object({
  TABLE_NAME: z.string().min(1).default('recoup'),
  DROP_BUCKET: z.string().min(1).default('recoup-drop'),
  /** Path-style S3 addressing, which s3rver needs. */
  S3_FORCE_PATH_STYLE: z.stringbool().default(false),
  /** The bearer token of the admin API user, given directly (local) ... */
  ADMIN_TOKEN: z.string().min(8).optional(),
  /** ... or read once from Secrets Manager (AWS). */
  ADMIN_TOKEN_SECRET_ARN: z.string().min(1).optional(),
  /** Set by the local runtime only: enables the /local routes' behaviour in handlers. */
  RECOUP_LOCAL: z.stringbool().default(false),
});
export type Config = z.infer<typeof configSchema>;

let cached: Config | undefined;

export function config(): Config {
  if (!cached) {
    const parsed = configSchema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`Invalid configuration (${problems}). Set these environment variables and restart.`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** For tests that change the environment between cases. */
export function resetConfig(): void {
  cached = undefined;
}
