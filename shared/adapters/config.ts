import { z } from 'zod';
import { AWS_DEFAULT_QUOTAS } from './provider-quotas';

/**
 * Configuration of every function, validated once at cold start. On AWS the CDK house
 * function sets these; locally the local runtime sets them before loading any handler.
 */
const configSchema = z.object({
  /** The table and the drop bucket: no default, so a function the stack did not give one fails (see GIVEN_PER_FUNCTION). */
  TABLE_NAME: z.string().min(1).optional(),
  DROP_BUCKET: z.string().min(1).optional(),
  /** Path-style S3 addressing, which s3rver needs. */
  S3_FORCE_PATH_STYLE: z.stringbool().default(false),
  /** The bearer token of the admin API user, given directly (local) ... */
  ADMIN_TOKEN: z.string().min(8).optional(),
  /** ... or read once from Secrets Manager (AWS). */
  ADMIN_TOKEN_SECRET_ARN: z.string().min(1).optional(),
  /** The key pagination cursors are signed with, given directly (local) ... */
  CURSOR_SECRET: z.string().min(16).optional(),
  /** ... or read once from Secrets Manager (AWS). */
  CURSOR_SECRET_ARN: z.string().min(1).optional(),
  /** The Cognito user pool people sign in with (the users API manages its users). */
  USER_POOL_ID: z.string().min(1).optional(),
  /**
   * Keep-alive HTTP for the SDK clients with this many sockets per client and a 120 s request
   * timeout (sdk-client-options.ts); unset, the SDK's defaults. Set where one process makes many
   * calls at once (the local runtime); a deployment may set it too.
   */
  SDK_HTTP_MAX_SOCKETS: z.coerce.number().int().min(1).max(4096).optional(),
  /** The workflow start queue (SQS); only functions whose catalog entry grants it have it. */
  START_QUEUE_URL: z.string().min(1).optional(),
  /** `${prefix}${kebab-kind}` is a state machine's ARN (the starter and any function that starts executions). */
  STATE_MACHINE_ARN_PREFIX: z.string().min(1).optional(),
  /** Rows per import chunk: one checkpoint per chunk, memory bounded by it. */
  IMPORT_CHUNK_ROWS: z.coerce.number().int().min(25).max(20_000).default(2_000),
  /** DynamoDB batch requests (BatchWriteItem / BatchGetItem) an import keeps in flight at once. */
  IMPORT_WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** The import stops and continues in a new invocation when less than this is left of the Lambda's time. */
  IMPORT_RESERVE_MS: z.coerce.number().int().min(1_000).default(90_000),
  /** Bucket for rendered letters (PDF), handed to the print service from there. */
  LETTER_BUCKET: z.string().min(1).optional(),
  /** Amazon Connect instance, the text-to-speech contact flow (voice nodes), the call-centre flow (call nodes) and the caller id. */
  CONNECT_INSTANCE_ID: z.string().min(1).optional(),
  CONNECT_CONTACT_FLOW_ID: z.string().min(1).optional(),
  CONNECT_CALL_CENTRE_FLOW_ID: z.string().min(1).optional(),
  CONNECT_SOURCE_PHONE: z.string().min(1).optional(),
  /** SES configuration set for sending events (optional). */
  SENDER_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Base URL of the print service's JSON API (`POST {url}/jobs`). */
  PRINT_SERVICE_URL: z.url().optional(),
  /** Base URL of the skip-trace provider's JSON API (`POST {url}/lookups`). */
  SKIP_TRACE_URL: z.url().optional(),
  /** The CloudWatch dashboard's console URL, for GET /operations (the stack sets it on AWS; absent locally). */
  DASHBOARD_URL: z.url().optional(),
  /** The print service's API key, a Secrets Manager secret (sent as `Authorization: Bearer <key>` on every call). */
  PRINT_SERVICE_SECRET_ARN: z.string().min(1).optional(),
  /** The skip-trace provider's API key, likewise. */
  SKIP_TRACE_SECRET_ARN: z.string().min(1).optional(),
  /**
   * The providers' quotas this deployment has (sends per second; see provider-quotas.ts for
   * AWS's defaults and where they are written down): the schedule spreads a cohort's steps in
   * slots of one send at these rates. Raise them with the account's quotas.
   */
  SES_MAX_SEND_RATE: z.coerce.number().positive().default(AWS_DEFAULT_QUOTAS.sesSendsPerSecond),
  SMS_MAX_SEND_RATE: z.coerce.number().positive().default(AWS_DEFAULT_QUOTAS.smsPerSecond),
  CONNECT_MAX_CALL_RATE: z.coerce.number().positive().default(AWS_DEFAULT_QUOTAS.connectCallsPerSecond),
});
/**
 * Names the stack gives only the functions whose catalog entry grants the resource
 * (infra/function-catalog.ts). None has a default: a guessed name would work locally and fail
 * on AWS with AccessDenied, or reach another stack's table. Reading one a function was not
 * given throws, naming it.
 */
const GIVEN_PER_FUNCTION = { TABLE_NAME: 'the table', DROP_BUCKET: 'the drop bucket' } as const;
type GivenPerFunction = keyof typeof GIVEN_PER_FUNCTION;

export type Config = Omit<z.infer<typeof configSchema>, GivenPerFunction> & Record<GivenPerFunction, string>;

let cached: Config | undefined;

export function config(): Config {
  if (!cached) {
    const parsed = configSchema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`Invalid configuration (${problems}). Set these environment variables and restart.`);
    }
    cached = withRequiredNames(parsed.data);
  }
  return cached;
}

function withRequiredNames(values: z.infer<typeof configSchema>): Config {
  const out = { ...values } as Config;
  for (const [name, what] of Object.entries(GIVEN_PER_FUNCTION) as [GivenPerFunction, string][]) {
    const value = values[name];
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => {
        if (value === undefined) throw new Error(`${name} is not set: this function was not given ${what}. Grant it in the function's entry of infra/function-catalog.ts (the stack then sets ${name}).`);
        return value;
      },
    });
  }
  return out;
}

/** For tests that change the environment between cases. */
export function resetConfig(): void {
  cached = undefined;
}
