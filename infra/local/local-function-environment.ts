import { needsOf, type FunctionNeeds } from '../function-catalog';
import { functionEnvironment, type EnvironmentSources } from '../function-environment';
import { METRICS_NAMESPACE } from '../../shared/adapters/metric-names';

/**
 * What the local runtime gives every function besides its catalog environment: the stand-ins'
 * endpoints (AWS_ENDPOINT_URL_*), the local credentials and region, and how to reach the
 * stand-ins (path-style S3, keep-alive sockets). Nothing here names a resource a function may use.
 */
export interface LocalBase {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** AWS_ENDPOINT_URL_<SERVICE> -> URL. */
  endpoints: Record<string, string>;
}

/** Variables the local runtime adds that are not resources: allowed beside the stack's (the parity test reads this). */
export const LOCAL_ONLY = new Set(['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE', 'SDK_HTTP_MAX_SOCKETS', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'POWERTOOLS_METRICS_DISABLED']);
export const isLocalOnly = (name: string) => LOCAL_ONLY.has(name) || name.startsWith('AWS_ENDPOINT_URL_');

/** Variables the Lambda runtime itself sets in every function (not in the template). */
export const LAMBDA_RUNTIME = new Set(['AWS_LAMBDA_FUNCTION_NAME']);

/**
 * Deployment settings with defaults in shared/adapters/config.ts that the stack does not set:
 * passed on from the local runtime's environment when a developer sets them, so the stand-ins
 * (the quotas) and the functions agree.
 */
export const SETTINGS = ['IMPORT_CHUNK_ROWS', 'IMPORT_WRITE_CONCURRENCY', 'IMPORT_RESERVE_MS', 'SES_MAX_SEND_RATE', 'SMS_MAX_SEND_RATE', 'CONNECT_MAX_CALL_RATE', 'LOG_LEVEL'] as const;

/** The name a local function has, as the deployed one (the Lambda context and AWS_LAMBDA_FUNCTION_NAME). */
export const localFunctionName = (folder: string) => `recoup-${folder}`;

/**
 * The whole environment of one function locally: the variables its catalog entry makes the stack
 * set on AWS (functionEnvironment, the derivation the CDK stack uses, over the local stand-ins'
 * names and URLs), the house function's runtime variables, Lambda's own, and the local base.
 */
export function localFunctionEnvironment(folder: string, sources: EnvironmentSources, base: LocalBase, settings: NodeJS.ProcessEnv = {}, needs: FunctionNeeds = needsOf(folder)): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: base.region,
    AWS_ACCESS_KEY_ID: base.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: base.credentials.secretAccessKey,
    ...base.endpoints,
    // s3rver answers path-style requests only.
    S3_FORCE_PATH_STYLE: 'true',
    // One process calls the stand-ins for every function at once: keep-alive and more sockets.
    SDK_HTTP_MAX_SOCKETS: '256',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_METRICS_DISABLED: settings.POWERTOOLS_METRICS_DISABLED ?? 'true',
    // As infra/constructs/house-function.ts sets them (RUNTIME_ENV).
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: folder,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    AWS_LAMBDA_FUNCTION_NAME: localFunctionName(folder),
    ...functionEnvironment(folder, needs, sources),
  };
  for (const s of SETTINGS) if (settings[s]) env[s] = settings[s]!;
  return env;
}
