import type { FunctionNeeds } from './function-catalog';

/**
 * Environment variable names a function's catalog entry makes the stack set. Each must be a key
 * of the schema in shared/adapters/config.ts (an infra test reads that file and checks).
 */
export const ENV = {
  table: 'TABLE_NAME',
  dropBucket: 'DROP_BUCKET',
  letterBucket: 'LETTER_BUCKET',
  adminTokenSecret: 'ADMIN_TOKEN_SECRET_ARN',
  cursorSecret: 'CURSOR_SECRET_ARN',
  startQueue: 'START_QUEUE_URL',
  stateMachinePrefix: 'STATE_MACHINE_ARN_PREFIX',
  sesConfigurationSet: 'SENDER_CONFIGURATION_SET',
  connectInstance: 'CONNECT_INSTANCE_ID',
  connectContactFlow: 'CONNECT_CONTACT_FLOW_ID',
  connectCallCentreFlow: 'CONNECT_CALL_CENTRE_FLOW_ID',
  connectSourcePhone: 'CONNECT_SOURCE_PHONE',
  printService: 'PRINT_SERVICE_URL',
  skipTrace: 'SKIP_TRACE_URL',
  printServiceSecret: 'PRINT_SERVICE_SECRET_ARN',
  skipTraceSecret: 'SKIP_TRACE_SECRET_ARN',
  userPool: 'USER_POOL_ID',
  dashboardUrl: 'DASHBOARD_URL',
} as const;

/** The Amazon Connect set-up the call channels use (made outside this stack). */
export interface ConnectSettings {
  readonly instanceId: string;
  /** Text-to-speech flow for voice nodes. */
  readonly contactFlowId: string;
  /** Flow that queues the contact to an agent, for call nodes. */
  readonly callCentreFlowId: string;
  /** Claimed number (E.164) the calls come from. */
  readonly sourcePhone: string;
}

/**
 * The values a stack gives its functions: CloudFormation tokens on AWS, the local stand-ins'
 * names and URLs locally. A value a function needs but the stack lacks is an error naming both.
 */
export interface EnvironmentSources {
  readonly tableName?: string;
  readonly dropBucketName?: string;
  readonly documentsBucketName?: string;
  readonly adminTokenSecretArn?: string;
  /** The key pagination cursors are signed with (a Secrets Manager secret). */
  readonly cursorSecretArn?: string;
  /** The Cognito user pool of the people who sign in (its local stand-in's id locally). */
  readonly userPoolId?: string;
  readonly startQueueUrl?: string;
  readonly stateMachineArnPrefix?: string;
  readonly sesConfigurationSet?: string;
  readonly connect?: ConnectSettings;
  readonly printServiceUrl?: string;
  readonly skipTraceUrl?: string;
  /** The CloudWatch dashboard's console URL; a stack without one (the local runtime) leaves it out. */
  readonly dashboardUrl?: string;
  /** The providers' API keys: Secrets Manager secrets (the local Secrets Manager's locally). */
  readonly printServiceSecretArn?: string;
  readonly skipTraceSecretArn?: string;
}

type Need = { [K in keyof FunctionNeeds]-?: NonNullable<FunctionNeeds[K]> extends boolean | string | readonly unknown[] ? K : never }[keyof FunctionNeeds];

/** What each capability of a catalog entry sets: variable name -> where its value comes from. */
const VARIABLES: readonly { need: Need; optional?: true; variables: readonly [name: string, value: (s: EnvironmentSources) => string | undefined, what: string][] }[] = [
  { need: 'table', variables: [[ENV.table, (s) => s.tableName, 'the table']] },
  { need: 'dropBucket', variables: [[ENV.dropBucket, (s) => s.dropBucketName, 'the drop bucket']] },
  { need: 'documentsBucket', variables: [[ENV.letterBucket, (s) => s.documentsBucketName, 'the documents bucket']] },
  { need: 'adminToken', variables: [[ENV.adminTokenSecret, (s) => s.adminTokenSecretArn, 'the admin token secret']] },
  { need: 'cursorSecret', variables: [[ENV.cursorSecret, (s) => s.cursorSecretArn, 'the cursor secret']] },
  { need: 'userPool', variables: [[ENV.userPool, (s) => s.userPoolId, 'the user pool']] },
  { need: 'startQueue', variables: [[ENV.startQueue, (s) => s.startQueueUrl, 'the start queue']] },
  { need: 'stateMachines', variables: [[ENV.stateMachinePrefix, (s) => s.stateMachineArnPrefix, 'the state machine ARN prefix']] },
  { need: 'ses', variables: [[ENV.sesConfigurationSet, (s) => s.sesConfigurationSet, 'the SES configuration set']] },
  {
    need: 'connect',
    variables: [
      [ENV.connectInstance, (s) => s.connect?.instanceId, 'Amazon Connect settings'],
      [ENV.connectContactFlow, (s) => s.connect?.contactFlowId, 'Amazon Connect settings'],
      [ENV.connectCallCentreFlow, (s) => s.connect?.callCentreFlowId, 'Amazon Connect settings'],
      [ENV.connectSourcePhone, (s) => s.connect?.sourcePhone, 'Amazon Connect settings'],
    ],
  },
  { need: 'dashboard', optional: true, variables: [[ENV.dashboardUrl, (s) => s.dashboardUrl, "the dashboard's console URL"]] },
  // A provider is called with its credentials, on every call: where it is, and which secret holds its key.
  {
    need: 'printService',
    variables: [
      [ENV.printService, (s) => s.printServiceUrl, 'the print service URL'],
      [ENV.printServiceSecret, (s) => s.printServiceSecretArn, "the print service's API key secret"],
    ],
  },
  {
    need: 'skipTrace',
    variables: [
      [ENV.skipTrace, (s) => s.skipTraceUrl, 'the skip-trace provider URL'],
      [ENV.skipTraceSecret, (s) => s.skipTraceSecretArn, "the skip-trace provider's API key secret"],
    ],
  },
];

const asks = (needs: FunctionNeeds, need: Need): boolean => {
  const v = needs[need];
  return Array.isArray(v) ? v.length > 0 : Boolean(v);
};

/** The variable names a catalog entry makes the stack set (what its handler checks at load). */
export function environmentNames(needs: FunctionNeeds): string[] {
  return VARIABLES.filter((v) => asks(needs, v.need)).flatMap((v) => v.variables.map(([name]) => name));
}

/**
 * The application environment of one function, derived from its catalog entry: used by the CDK
 * stack (values are tokens) and by the local runtime (values are local names and URLs), so the
 * two cannot differ in which variables a function gets.
 */
export function functionEnvironment(name: string, needs: FunctionNeeds, sources: EnvironmentSources): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of VARIABLES) {
    if (!asks(needs, v.need)) continue;
    for (const [variable, value, what] of v.variables) {
      const x = value(sources);
      if ((x === undefined || x === '') && v.optional) continue;
      if (x === undefined || x === '') throw new Error(`functions/${name} needs ${what} (${variable}), which this stack does not provide`);
      env[variable] = x;
    }
  }
  return env;
}
