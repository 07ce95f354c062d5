import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project folder (parent of infra/), wherever the checkout lives. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Read, write, or both: the grant a function gets on a table or bucket. */
export type Access = 'read' | 'write' | 'readWrite';

/** What calls a function; the stack wires each trigger once, from here. */
export type Trigger =
  /** An API Gateway route listed in infra/api-routes.ts. */
  | 'api'
  /** The machines' API's Lambda authorizer (every route but the public ones). */
  | 'authorizer'
  /** ObjectCreated in the drop bucket. */
  | 'drop-bucket'
  /** A message on the start queue. */
  | 'start-queue'
  /** A Task state of a state machine (`${<PascalName>FunctionArn}`). */
  | 'workflow'
  /** An EventBridge schedule (see `schedule`). */
  | 'schedule';

/**
 * What one function needs from AWS. The stack turns every field into an environment variable
 * plus the narrowest grant that makes it work (see the bind helpers of HouseFunction), so this
 * table is the one place to read what a function may touch.
 */
export interface FunctionNeeds {
  readonly trigger: Trigger;
  readonly description: string;
  /** The single DynamoDB table (TABLE_NAME). */
  readonly table?: Access;
  /** The drop bucket: CSV uploads and import reports (DROP_BUCKET). */
  readonly dropBucket?: Access;
  /** The documents bucket: rendered letters (LETTER_BUCKET). */
  readonly documentsBucket?: Access;
  /** Sends `{ caseId, kind, seq }` messages to the start queue (START_QUEUE_URL). */
  readonly startQueue?: boolean;
  /** Step Functions actions on the project's state machines (STATE_MACHINE_ARN_PREFIX). */
  readonly stateMachines?: readonly ('start' | 'stop')[];
  /** Sends email through SES (SENDER_CONFIGURATION_SET). */
  readonly ses?: boolean;
  /** Publishes SMS straight to phone numbers through SNS. */
  readonly snsSms?: boolean;
  /** Places outbound calls through Amazon Connect and reads their outcome (CONNECT_*). */
  readonly connect?: boolean;
  /** Hands letters to the print service's HTTP API (PRINT_SERVICE_URL), with its API key from Secrets Manager (PRINT_SERVICE_SECRET_ARN). */
  readonly printService?: boolean;
  /** Looks up contact data at the skip-trace provider's HTTP API (SKIP_TRACE_URL), with its API key from Secrets Manager (SKIP_TRACE_SECRET_ARN). */
  readonly skipTrace?: boolean;
  /** Invokes itself asynchronously to continue long work in a fresh invocation. */
  readonly invokesItself?: boolean;
  /** Reads the admin bearer token from Secrets Manager (ADMIN_TOKEN_SECRET_ARN). */
  readonly adminToken?: boolean;
  /** Signs and checks the cursors of the lists it pages through, with the cursor secret from Secrets Manager (CURSOR_SECRET_ARN). */
  readonly cursorSecret?: boolean;
  /** Manages the people of the Cognito user pool (USER_POOL_ID): invite, groups, disable. */
  readonly userPool?: boolean;
  /** Links the stack's CloudWatch dashboard (DASHBOARD_URL, its console URL; absent where the stack has none, e.g. locally). */
  readonly dashboard?: boolean;
  /** EventBridge schedule expression, for trigger 'schedule'. */
  readonly schedule?: string;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
}

/**
 * Every channel a node may use: what a function needs that sends the client's plan nodes or a
 * closure message (any node type: email, SMS, calls, letters).
 */
const EVERY_CHANNEL = { ses: true, snsSms: true, connect: true, documentsBucket: 'write', printService: true } as const;

/**
 * What the last step of a run needs to end it (shared/workflow/run-end.ts): continuing as a new
 * execution, the end of a breathing space, or a finished retry run starts the next run through
 * the start queue. Its own run is not stopped (it ends by itself), so no state machine action.
 */
const RUN_END = { startQueue: true } as const;

/**
 * One entry per folder under functions/. The infra test fails for a folder without an entry,
 * so a new function cannot ship without its permissions being thought about. Entries whose
 * folder does not exist yet are ignored by the stack until the folder appears.
 */
export const FUNCTION_CATALOG = {
  'api-health': {
    trigger: 'api',
    description: 'GET /health; public, touches nothing',
    memoryMb: 256,
  },
  'api-docs': {
    trigger: 'api',
    description: "GET /openapi.json and GET /docs: the API's OpenAPI 3.1 reference, generated from the zod schemas; public, touches nothing",
    memoryMb: 256,
  },
  'api-business-entities': {
    trigger: 'api',
    description: 'Business entities: create, list, read, merge-patch',
    table: 'readWrite',
    cursorSecret: true,
  },
  'api-clients': {
    trigger: 'api',
    description: 'Clients: create, list, read, merge-patch; checks the business entity exists',
    table: 'readWrite',
    cursorSecret: true,
  },
  'api-imports': {
    trigger: 'api',
    description: 'Imports: presigned PUT into the drop folder (import record created), list and status, presigned GET of the error report',
    table: 'readWrite',
    cursorSecret: true,
    // A presigned URL carries the signer's rights: PutObject for uploads, GetObject for error reports.
    dropBucket: 'readWrite',
  },
  'api-cases': {
    trigger: 'api',
    description: "Cases: list by client and phase, read with balance, timeline, communications (a letter's PDF as a presigned GET)",
    table: 'read',
    cursorSecret: true,
    // A presigned URL carries the signer's rights: s3:GetObject on letters/ and nothing else.
    documentsBucket: 'read',
  },
  'api-tickets': {
    trigger: 'api',
    description: "Tickets: a client's list and the agency's queue by status, marking one done, assigning it, noting it (the case's timeline says who)",
    table: 'readWrite',
    cursorSecret: true,
  },
  'api-case-actions': {
    trigger: 'api',
    description: 'Case actions: payments, payment plans, holds, releases, settlements (one phase event each)',
    table: 'readWrite',
    // Phase changes stop the old run and queue the next one; a closure outside the debtor's
    // contact hours starts the one-step execution its closure email waits in (closure-email.ts).
    startQueue: true,
    stateMachines: ['start', 'stop'],
    // A payment can close the case (closure email) or complete a plan (plan nodes: any channel).
    ...EVERY_CHANNEL,
  },
  'api-results': {
    trigger: 'api',
    description: "A client's results (placed, collected, recovery, phases, liquidation, contacts) and the operations figures, from counter items kept as cases change",
    table: 'read',
    dashboard: true,
    memoryMb: 256,
  },
  'api-users': {
    trigger: 'api',
    description: 'Users: invite (the user pool mails a temporary password), list, read, change role or name, disable; GET /me',
    table: 'readWrite',
    cursorSecret: true,
    userPool: true,
  },
  'api-authorizer': {
    trigger: 'authorizer',
    description: "Lambda REQUEST authorizer of the machines' API: the admin token and clients' API keys; answers cached by API Gateway",
    // Reads API keys; the admin token from its secret.
    table: 'read',
    adminToken: true,
    memoryMb: 256,
    timeoutSeconds: 10,
  },
  'import-csv': {
    trigger: 'drop-bucket',
    description: 'Streams a dropped CSV into cases in checkpointed chunks, writes the error report, queues workflow starts',
    table: 'readWrite',
    // Reads the upload, writes report parts, joins them and deletes the parts.
    dropBucket: 'readWrite',
    startQueue: true,
    // Continues a long file in a fresh invocation of itself.
    invokesItself: true,
    memoryMb: 1769,
    timeoutSeconds: 900,
  },
  'start-workflow': {
    trigger: 'start-queue',
    description: "Computes a run's steps and starts one execution per queued { caseId, kind, seq }, with the deterministic execution name",
    // The schedule reads the case, records initial progress and registers enrichment.
    table: 'readWrite',
    stateMachines: ['start'],
    timeoutSeconds: 60,
  },
  'enrichment-sweep': {
    trigger: 'schedule',
    description: 'Each morning: skip-trace lookups due today; new contact data queues the retry workflow',
    // Hourly from 06:00 to 11:00 UTC: the first run sweeps the day; a run that spends its time
    // budget leaves the rest to the next (a run with nothing left reads one item).
    schedule: 'cron(0 6-11 * * ? *)',
    table: 'readWrite',
    startQueue: true,
    skipTrace: true,
    stateMachines: ['stop'],
    timeoutSeconds: 900,
  },
  // Workflow tasks: called by the state machines (state-machines/*.asl.json).
  'workflow-end': {
    trigger: 'workflow',
    description: 'End step of a run without a node at its end: continue-as-new, end of breathing space (charges, to outreach), run finished; carries the next run\'s nodes due now',
    table: 'readWrite',
    // Its phase changes start the next workflow (queue) and stop the old run.
    startQueue: true,
    stateMachines: ['stop'],
    // The next run's email, SMS, letter and ticket nodes due at the same instant go out with it (shared/workflow/carry.ts).
    ses: true,
    snsSms: true,
    documentsBucket: 'write',
    printService: true,
    timeoutSeconds: 60,
  },
  'plan-check': {
    trigger: 'workflow',
    description: 'Due check of an instalment: paid, late (late notice), broken (back to outreach) or completed (may close)',
    table: 'readWrite',
    startQueue: true,
    // A completed plan may close the case: its closure email may wait for the contact hours (closure-email.ts).
    stateMachines: ['start', 'stop'],
    // Late/broken/completed notices are the client's plan nodes: any channel.
    ...EVERY_CHANNEL,
    timeoutSeconds: 60,
  },
  'record-step-failure': {
    trigger: 'workflow',
    description: 'Catch target: records a step that failed after its retries so the walk goes on',
    table: 'readWrite',
    // The failed step may be the run's last: its end (continue as a new run, end of breathing
    // space, a finished retry back to outreach) queues the next run.
    startQueue: true,
  },
  // Channels: each guards (still in phase, not on hold, contact allowed), renders, sends once,
  // records; deliver() dispatches on the node type, so each sees only its own provider. Each may
  // run the last step of a run, whose end queues the next run (RUN_END).
  'send-email': {
    trigger: 'workflow',
    description: 'Email node: renders the template and sends it through SES v2',
    table: 'readWrite',
    ...RUN_END,
    ses: true,
  },
  'send-sms': {
    trigger: 'workflow',
    description: "SMS node: renders the text and publishes it to the debtor's number through SNS",
    table: 'readWrite',
    ...RUN_END,
    snsSms: true,
  },
  'voice-call': {
    trigger: 'workflow',
    description: 'Voice node: a text-to-speech outbound call through Amazon Connect, outcome read back',
    table: 'readWrite',
    ...RUN_END,
    connect: true,
  },
  'call-centre': {
    trigger: 'workflow',
    description: "Call node: an outbound call queued to the call centre's agents through Amazon Connect",
    table: 'readWrite',
    ...RUN_END,
    connect: true,
  },
  'send-letter': {
    trigger: 'workflow',
    description: 'Letter node: renders a PDF into the documents bucket and hands it to the print service',
    table: 'readWrite',
    ...RUN_END,
    documentsBucket: 'write',
    printService: true,
    memoryMb: 1024,
    timeoutSeconds: 60,
  },
  'create-ticket': {
    trigger: 'workflow',
    description: 'Ticket node: a task for an operator, recorded on the case',
    table: 'readWrite',
    ...RUN_END,
  },
} as const satisfies Record<string, FunctionNeeds>;

export type CatalogName = keyof typeof FUNCTION_CATALOG;

/** Folders under functions/ that hold a handler.ts: the functions that exist right now. */
export function functionFolders(root: string = PROJECT_ROOT): string[] {
  const dir = join(root, 'functions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'handler.ts')))
    .map((d) => d.name)
    .sort();
}

/** The needs of an existing folder; throws with what to do when the catalog lacks it. */
export function needsOf(name: string): FunctionNeeds {
  const needs = (FUNCTION_CATALOG as Record<string, FunctionNeeds>)[name];
  if (!needs) {
    throw new Error(
      `functions/${name} has no entry in infra/function-catalog.ts. Add one saying what it needs ` +
        `(trigger, table, buckets, queue, state machines, channels) so the stack can grant exactly that.`,
    );
  }
  return needs;
}
