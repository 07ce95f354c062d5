import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionFolders, needsOf, PROJECT_ROOT, type FunctionNeeds, type Trigger } from '../function-catalog';
import { STEP_FUNCTIONS } from '../../shared/domain/step-functions';
import { functionEnvironment, type ConnectSettings, type EnvironmentSources } from '../function-environment';
import { HouseFunction, stateMachineArns } from './house-function';
import { pascalCase } from './names';

export interface FunctionsProps {
  /** Folder names to build; @default every folder under functions/ with a handler.ts */
  readonly names?: readonly string[];
  readonly projectRoot?: string;
  /**
   * The walks' step functions (shared/domain/step-functions.ts) are named `<prefix><folder>`,
   * so a state machine names the one a step runs by its short key (the folder) and builds the
   * name itself (States.Format), instead of every step carrying a full ARN in the execution
   * input. The other functions keep generated names. @default 'recoup-'
   */
  readonly stepFunctionNamePrefix?: string;
}

/** Lambda's limit on a function name (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-FunctionName). */
const MAX_FUNCTION_NAME = 64;

/** What the catalog's needs are bound to. Absent parts fail loudly if a function needs them. */
export interface FunctionResources {
  readonly table: ITable;
  readonly dropBucket: IBucket;
  readonly documentsBucket: IBucket;
  readonly adminToken: ISecret;
  /** The key list cursors are signed with. */
  readonly cursorSecret: ISecret;
  readonly userPool: IUserPool;
  readonly startQueue: IQueue;
  readonly stateMachinePrefix: string;
  /** Kebab kinds of the stack's machines (`<prefix><kind>`): what a state-machine grant names. */
  readonly stateMachineKinds: readonly string[];
  readonly sesConfigurationSet?: string;
  readonly connect?: ConnectSettings;
  readonly printServiceUrl?: string;
  readonly skipTraceUrl?: string;
  /** The CloudWatch dashboard's console URL (see Observability's dashboardName). */
  readonly dashboardUrl?: string;
  /** The providers' API keys; a function that calls a provider may read that provider's secret, and only that one. */
  readonly printServiceSecret?: ISecret;
  readonly skipTraceSecret?: ISecret;
}

/**
 * One house Lambda per function folder, sized from the catalog. Triggers are wired by the
 * constructs that own them (API, imports, workflows); `bindNeeds` then grants each function
 * exactly what its catalog entry says.
 */
export class Functions extends Construct {
  private readonly byName = new Map<string, HouseFunction>();
  /** Step functions are named `<stepFunctionNamePrefix><folder>`. */
  public readonly stepFunctionNamePrefix: string;

  constructor(scope: Construct, id: string, props: FunctionsProps = {}) {
    super(scope, id);
    const root = props.projectRoot ?? PROJECT_ROOT;
    this.stepFunctionNamePrefix = props.stepFunctionNamePrefix ?? 'recoup-';
    if (!/^[A-Za-z0-9_-]*$/.test(this.stepFunctionNamePrefix)) throw new Error(`stepFunctionNamePrefix "${this.stepFunctionNamePrefix}" may hold only letters, digits, - and _ (a Lambda function name)`);
    for (const name of props.names ?? functionFolders(root)) {
      const needs = needsOf(name);
      const physicalName = STEP_FUNCTIONS.includes(name) ? `${this.stepFunctionNamePrefix}${name}` : undefined;
      if (physicalName && physicalName.length > MAX_FUNCTION_NAME) throw new Error(`function name ${physicalName} is longer than Lambda's ${MAX_FUNCTION_NAME} characters; use a shorter stepFunctionNamePrefix`);
      this.byName.set(
        name,
        new HouseFunction(this, pascalCase(name), {
          name,
          description: needs.description,
          memoryMb: needs.memoryMb,
          timeout: needs.timeoutSeconds ? Duration.seconds(needs.timeoutSeconds) : undefined,
          projectRoot: root,
          physicalName,
        }),
      );
    }
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  get all(): HouseFunction[] {
    return [...this.byName.values()];
  }

  get(name: string): HouseFunction | undefined {
    return this.byName.get(name);
  }

  /** The function a route, queue or state machine refers to; throws with what to do when absent. */
  require(name: string, referencedBy: string): HouseFunction {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`${referencedBy} refers to function "${name}", but functions/${name}/handler.ts does not exist. Create it or fix the reference.`);
    return fn;
  }

  withTrigger(trigger: Trigger): HouseFunction[] {
    return this.all.filter((f) => needsOf(f.functionName).trigger === trigger);
  }

  needsOf(name: string): FunctionNeeds {
    return needsOf(name);
  }

  /**
   * Applies every catalog entry: the environment derived from it (infra/function-environment.ts,
   * shared with the local runtime) and, from the same entry, the grant of each capability.
   */
  bindNeeds(r: FunctionResources): void {
    const sources: EnvironmentSources = {
      tableName: r.table.tableName,
      dropBucketName: r.dropBucket.bucketName,
      documentsBucketName: r.documentsBucket.bucketName,
      adminTokenSecretArn: r.adminToken.secretArn,
      cursorSecretArn: r.cursorSecret.secretArn,
      userPoolId: r.userPool.userPoolId,
      startQueueUrl: r.startQueue.queueUrl,
      stateMachineArnPrefix: stateMachineArns(this, r.stateMachinePrefix).prefix,
      sesConfigurationSet: r.sesConfigurationSet,
      connect: r.connect,
      printServiceUrl: r.printServiceUrl,
      skipTraceUrl: r.skipTraceUrl,
      dashboardUrl: r.dashboardUrl,
      printServiceSecretArn: r.printServiceSecret?.secretArn,
      skipTraceSecretArn: r.skipTraceSecret?.secretArn,
    };
    for (const fn of this.all) {
      const needs = needsOf(fn.functionName);
      for (const [name, value] of Object.entries(functionEnvironment(fn.functionName, needs, sources))) fn.setEnv(name, value);
      if (needs.table) fn.grantTable(r.table, needs.table);
      if (needs.dropBucket) fn.grantDropBucket(r.dropBucket, needs.dropBucket);
      if (needs.documentsBucket) fn.grantDocumentsBucket(r.documentsBucket, needs.documentsBucket);
      if (needs.adminToken) fn.grantSecret(r.adminToken);
      if (needs.cursorSecret) fn.grantSecret(r.cursorSecret);
      if (needs.userPool) fn.grantUserPool(r.userPool);
      if (needs.startQueue) fn.grantStartQueue(r.startQueue);
      if (needs.stateMachines?.length) fn.grantStateMachines(r.stateMachinePrefix, r.stateMachineKinds, needs.stateMachines);
      if (needs.ses) fn.grantSes(r.sesConfigurationSet);
      if (needs.snsSms) fn.grantSnsSms();
      // functionEnvironment has already refused a function that needs Connect without settings.
      if (needs.connect && r.connect) fn.grantConnect(r.connect);
      // functionEnvironment has already refused a provider function without its secret.
      if (needs.printService && r.printServiceSecret) fn.grantSecretValue(r.printServiceSecret);
      if (needs.skipTrace && r.skipTraceSecret) fn.grantSecretValue(r.skipTraceSecret);
      if (needs.invokesItself) fn.grantSelfInvoke();
    }
  }

  /** Whether any existing function needs a capability (so the stack creates its resources only then). */
  anyNeeds(pick: (needs: FunctionNeeds) => unknown): boolean {
    return this.names.some((n) => Boolean(pick(needsOf(n))));
  }
}
