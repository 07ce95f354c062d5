import { join } from 'node:path';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROJECT_ROOT, type Access } from '../function-catalog';
import type { ConnectSettings } from '../function-environment';
import { acknowledge, acknowledgeWildcardAction, acknowledgeWildcardResource } from './nag';
import { METRICS_NAMESPACE } from '../../shared/adapters/metric-names';
import { LETTER_PREFIX } from '../../shared/adapters/channels/letter-keys';

/** Item reads the repositories make: keys, batches of keys, and key-condition queries (tables and indexes). */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
/** Item writes: single conditional writes and batches (the local stand-in has no transactions; neither do we). */
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;

/** Runtime variables that are not application configuration (Node, Powertools). */
export const RUNTIME_ENV = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE'] as const;

/** The variable names the catalog sets, and the Connect settings' shape (infra/function-environment.ts). */
export { ENV, type ConnectSettings } from '../function-environment';

/** Namespace of the EMF metrics the functions emit (dashboards read it). */
export { METRICS_NAMESPACE };

/**
 * esbuild's ESM output has no `require`; some dependencies still call it (or
 * `require('node:…')` through CommonJS shims), so give them one.
 */
const ESM_REQUIRE_BANNER = "import { createRequire as __recoupCreateRequire } from 'node:module'; const require = __recoupCreateRequire(import.meta.url);";

export interface HouseFunctionProps {
  /** Folder under functions/; the handler is functions/<name>/handler.ts, export `handler`. */
  readonly name: string;
  readonly description?: string;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default 30 seconds (API Gateway's own limit) */
  readonly timeout?: Duration;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** Extra variables (for example LOG_LEVEL). */
  readonly environment?: Record<string, string>;
  /**
   * The Lambda function's name, for functions others address by name (the walks' step
   * functions: see Functions.stepFunctionNamePrefix). @default a name CloudFormation generates
   */
  readonly physicalName?: string;
  /** Project folder holding functions/; tests may point elsewhere. */
  readonly projectRoot?: string;
}

/**
 * The house Lambda: Node 22 on arm64, ESM bundle built by the local esbuild (never Docker),
 * source maps on, X-Ray active, its own log group with retention, and an execution role that
 * may write to that log group only. Its application environment is derived from its catalog
 * entry (infra/function-environment.ts, the same derivation the local runtime uses); the
 * `grant…` helpers add the narrowest grant for each capability of that entry.
 */
export class HouseFunction extends Construct {
  public readonly fn: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  public readonly functionName: string;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    const root = props.projectRoot ?? PROJECT_ROOT;
    this.functionName = props.name;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: that managed policy lets the function
    // create and write any log group in the account; this one writes to its own group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.name}`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      entry: join(root, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      functionName: props.physicalName,
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Ship the SDK versions the project pins and tests against, not the runtime's.
        bundleAwsSDK: true,
        forceDockerBundling: false,
      },
    });

    this.acknowledge(
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: the project builds and tests for Node 22 (ESM target node22); a runtime upgrade is a tested change, not a default.',
    );
    // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
    this.acknowledge('AwsSolutions-IAM5[Resource::*]', 'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords) accepts only "*".');
  }

  /** Sets an environment variable on the function. */
  setEnv(name: string, value: string): this {
    this.fn.addEnvironment(name, value);
    return this;
  }

  /** Records an accepted cdk-nag finding on this function (and its role/policy), with the reason. */
  acknowledge(id: string, reason: string): this {
    acknowledge(this, id, reason);
    return this;
  }

  /**
   * Read, write or read-write item access on the table (indexes included for reads). The
   * actions are listed rather than CDK's grantRead/WriteData: those add Scan (no function
   * scans; every read is a key or index query), stream reads and DescribeTable, which nothing
   * here calls.
   */
  grantTable(table: ITable, access: Access): this {
    const reads = access !== 'write';
    const actions = [...(reads ? TABLE_READ_ACTIONS : []), ...(access !== 'read' ? TABLE_WRITE_ACTIONS : [])];
    const indexes = `${table.tableArn}/index/*`;
    this.fn.addToRolePolicy(new PolicyStatement({ actions, resources: reads ? [table.tableArn, indexes] : [table.tableArn] }));
    if (reads) {
      acknowledgeWildcardResource(this, indexes, "Queries the table's own global secondary indexes (list views); the wildcard covers only this table's indexes.");
    }
    return this;
  }


  /** Object access on the drop bucket. */
  grantDropBucket(bucket: IBucket, access: Access): this {
    this.grantObjects(bucket, access, 'uploads arrive under <clientId>/ with any file name and reports go to reports/<importId>-errors.csv');
    return this;
  }

  /**
   * Object access on the documents bucket. A function that writes letters also hands the print
   * service a presigned GET of each one, and S3 authorises a presigned request as the role that
   * signed it, so 'write' includes s3:GetObject on letters/ (nothing else, no listing). 'read' is
   * that GET alone: what signs a link to a stored letter needs (the cases API), not the bucket's
   * listing or its other objects.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html
   */
  grantDocumentsBucket(bucket: IBucket, access: Access): this {
    if (access !== 'read') this.grantObjects(bucket, access, 'letters are stored under generated keys per case');
    if (access !== 'readWrite') {
      const letters = bucket.arnForObjects(`${LETTER_PREFIX}*`);
      this.fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [letters] }));
      const who = access === 'write' ? 'The print service fetches each letter' : 'People open each sent letter from the API';
      acknowledgeWildcardResource(this, letters, `${who} through a presigned GET signed by this role; letter keys are generated per case under letters/.`);
    }
    return this;
  }

  /** secretsmanager:GetSecretValue on that secret. */
  grantSecret(secret: ISecret): this {
    secret.grantRead(this.fn);
    return this;
  }

  /**
   * secretsmanager:GetSecretValue on that secret and nothing else: all a function that only sends
   * the value needs (grantRead adds DescribeSecret). The secrets use the AWS managed key, so no
   * kms:Decrypt (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
   */
  grantSecretValue(secret: ISecret): this {
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    return this;
  }

  /** The user-pool administration the users API performs (invite, groups, name, disable, sign out), on this pool only. */
  grantUserPool(pool: IUserPool): this {
    pool.grant(
      this.fn,
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminRemoveUserFromGroup',
      'cognito-idp:AdminUpdateUserAttributes',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminUserGlobalSignOut',
    );
    return this;
  }

  /** sqs:SendMessage on the start queue. */
  grantStartQueue(queue: IQueue): this {
    queue.grantSendMessages(this.fn);
    return this;
  }

  /**
   * The chosen actions on the project's machines. Machines are found by name (prefix + kind),
   * not by reference, so a Lambda never depends on the state machine that invokes it (no
   * cycle). The grant names each machine of `kinds` exactly, never `<prefix>*`: another stack's
   * machines may share the prefix (`recoup-` is also the start of `recoup-staging-...`).
   */
  grantStateMachines(prefix: string, kinds: readonly string[], actions: readonly ('start' | 'stop')[]): this {
    const arns = stateMachineArns(this, prefix, kinds);
    const onMachines: string[] = [];
    const onExecutions: string[] = [];
    if (actions.includes('start')) onMachines.push('states:StartExecution');
    if (actions.includes('stop')) onExecutions.push('states:StopExecution');
    if (onMachines.length) this.fn.addToRolePolicy(new PolicyStatement({ actions: onMachines, resources: arns.machines }));
    if (onExecutions.length) {
      this.fn.addToRolePolicy(new PolicyStatement({ actions: onExecutions, resources: arns.executions }));
      for (const executions of arns.executions) {
        acknowledgeWildcardResource(this, executions, 'Execution names are generated per case; the wildcard covers the executions of one named machine of this stack.');
      }
    }
    return this;
  }

  /**
   * SES sending. Sender addresses belong to business entities and change at run time, so
   * the grant covers the account's verified identities, plus the configuration set if any.
   */
  grantSes(configurationSetName?: string): this {
    const stack = Stack.of(this);
    const identities = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' });
    const resources = [identities];
    if (configurationSetName) {
      resources.push(stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSetName }));
    }
    // SES v2 SendEmail (simple, raw or template content) is authorised by ses:SendEmail alone;
    // ses:SendRawEmail is the v1 raw API, which nothing here calls.
    // https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources }));
    acknowledgeWildcardResource(
      this,
      identities,
      'Sender identities are configured per business entity at run time; SES only sends from identities verified in this account.',
    );
    return this;
  }

  /**
   * SMS straight to phone numbers. Publish to a phone number names no resource, so it can
   * only be allowed on "*"; `NotResource` on every SNS ARN keeps topics, platform endpoints and
   * other accounts' topics out, so the role can text a number and publish nowhere else.
   * https://docs.aws.amazon.com/step-functions/latest/dg/sns-iam.html (PhoneNumber needs "*"),
   * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
   * (Publish's resource type is a topic ARN). Delivery settings (sender id, spend limit) are
   * account-level SNS settings.
   */
  grantSnsSms(): this {
    const anySnsArn = Stack.of(this).formatArn({ service: 'sns', region: '*', account: '*', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME });
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], notResources: [anySnsArn] }));
    return this;
  }

  /**
   * Amazon Connect outbound calls on one instance: the text-to-speech flow (voice nodes), the
   * call-centre flow (call nodes) and the caller id; DescribeContact reads how a call went.
   */
  grantConnect(c: ConnectSettings): this {
    const contacts = Stack.of(this).formatArn({ service: 'connect', resource: 'instance', resourceName: `${c.instanceId}/contact/*` });
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['connect:StartOutboundVoiceContact', 'connect:DescribeContact'], resources: [contacts] }));
    acknowledgeWildcardResource(
      this,
      contacts,
      'A contact has no ARN before the call creates it; the wildcard is limited to contacts of the configured instance.',
    );
    return this;
  }

  /**
   * lambda:InvokeFunction on this function itself (a long import continues in a fresh
   * invocation). In a separate policy: the role's default policy is a dependency of the
   * function, so naming the function's ARN there would be a cycle.
   */
  grantSelfInvoke(): this {
    new Policy(this, 'SelfInvoke', {
      roles: [this.role],
      statements: [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] })],
    });
    return this;
  }

  private grantObjects(bucket: IBucket, access: Access, why: string): void {
    if (access === 'read') bucket.grantRead(this.fn);
    else if (access === 'write') bucket.grantPut(this.fn);
    else bucket.grantReadWrite(this.fn);
    acknowledgeWildcardResource(this, `${bucket.bucketArn}/*`, `Object keys are data chosen at run time: ${why}.`);
    const families = access === 'read' ? ['s3:GetObject*', 's3:GetBucket*', 's3:List*'] : access === 'write' ? ['s3:Abort*'] : ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'];
    for (const action of families) {
      acknowledgeWildcardAction(this, action, 'The CDK bucket grant uses these action families (object versions, multipart abort, listing for existence checks), scoped to this bucket.');
    }
  }
}

/**
 * ARNs of the project's state machines: the name prefix (what functions append a kind to), and
 * each machine `<prefix><kind>` of `kinds` and its executions, named exactly.
 */
export function stateMachineArns(scope: Construct, prefix: string, kinds: readonly string[] = []): { prefix: string; machines: string[]; executions: string[] } {
  const stack = Stack.of(scope);
  const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  return {
    prefix: arn('stateMachine', prefix),
    machines: kinds.map((kind) => arn('stateMachine', `${prefix}${kind}`)),
    executions: kinds.map((kind) => arn('execution', `${prefix}${kind}:*`)),
  };
}
