import { join } from 'node:path';
import { Aws, CfnParameter, Fn, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { HttpMethods } from 'aws-cdk-lib/aws-s3';
import { ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { Api } from './constructs/api';
import { Auth } from './constructs/auth';
import { ConsoleHosting } from './constructs/console-hosting';
import { Functions } from './constructs/functions';
import type { ConnectSettings } from './constructs/house-function';
import { Imports } from './constructs/imports';
import { Observability } from './constructs/observability';
import { ProviderSecrets } from './constructs/provider-secrets';
import { Schedules } from './constructs/schedules';
import { Storage } from './constructs/storage';
import { Workflows } from './constructs/workflows';
import { PROJECT_ROOT } from './function-catalog';
import { WORKFLOW_KINDS } from '../shared/schemas/workflow';
import { dashboardConsoleUrl } from '../shared/domain/results';

export interface RecoupStackProps extends StackProps {
  /** Prefix of the managed-login domain. @default `<stack name>-<account id>` */
  readonly loginDomainPrefix?: string;
  /** State machine names are `<prefix><kebab-kind>`. @default `<stack name in lower case>-` */
  readonly stateMachinePrefix?: string;
  /** Subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** Project folder with functions/ (tests). @default the checkout */
  readonly projectRoot?: string;
  /** Folder of *.asl.json files (tests). @default state-machines/ of the project */
  readonly stateMachinesFolder?: string;
  /**
   * A route or state machine naming a function folder that does not exist yet: 'error' (what
   * `npm run synth` does: nothing half-wired deploys) or 'skip' (leave it out; for tests of
   * constructs on definitions whose functions are absent).
   * @default 'error'
   */
  readonly onMissingFunction?: 'error' | 'skip';
}

/**
 * Recoup on AWS: storage, the functions of functions/ with the grants their catalog entries
 * ask for, the API of infra/api-routes.ts, the import path, one state machine per
 * state-machines/*.asl.json, and the dashboard and alarms.
 */
export class RecoupStack extends Stack {
  public readonly storage: Storage;
  public readonly functions: Functions;
  public readonly console: ConsoleHosting;
  public readonly auth: Auth;
  public readonly api: Api;
  public readonly imports: Imports;
  public readonly workflows: Workflows;
  public readonly schedules: Schedules;
  public readonly observability: Observability;
  public readonly providerSecrets: ProviderSecrets;
  public readonly stateMachinePrefix: string;

  constructor(scope: Construct, id: string, props: RecoupStackProps = {}) {
    super(scope, id, { description: 'Recoup: debt-collection cases and workflows', ...props });
    const root = props.projectRoot ?? PROJECT_ROOT;
    this.stateMachinePrefix = props.stateMachinePrefix ?? `${this.stackName.toLowerCase()}-`;
    Tags.of(this).add('project', 'recoup');

    this.storage = new Storage(this, 'Storage');
    // The step functions are named like the machines (<prefix><folder>): the walks build their names.
    this.functions = new Functions(this, 'Functions', { projectRoot: root, stepFunctionNamePrefix: this.stateMachinePrefix });
    // The console's distribution comes first: its address is the sign-in callback and the only CORS origin.
    this.console = new ConsoleHosting(this, 'Console', { accessLogsBucket: this.storage.accessLogsBucket, consoleFolder: join(PROJECT_ROOT, 'console') });
    const consoleOrigin = this.console.origin;
    // The console uploads CSVs straight into the drop folder with the presigned PUT of POST /clients/{clientId}/imports
    // (S3 answers the preflight from this rule: https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html).
    this.storage.dropBucket.addCorsRule({ allowedOrigins: [consoleOrigin], allowedMethods: [HttpMethods.PUT], allowedHeaders: ['*'], exposedHeaders: ['ETag'], maxAge: 600 });
    this.auth = new Auth(this, 'Auth', { consoleOrigin, domainPrefix: props.loginDomainPrefix ?? Fn.join('-', [this.stackName.toLowerCase().replace(/[^a-z0-9-]/g, '-'), Aws.ACCOUNT_ID]) });
    this.api = new Api(this, 'Api', {
      functions: this.functions,
      jwt: { issuer: this.auth.issuer, audience: [this.auth.consoleClient.userPoolClientId] },
      consoleOrigin,
      onMissingFunction: props.onMissingFunction,
    });
    this.imports = new Imports(this, 'Imports', {
      dropBucket: this.storage.dropBucket,
      importFunctions: this.functions.withTrigger('drop-bucket'),
      starterFunctions: this.functions.withTrigger('start-queue'),
    });
    this.workflows = new Workflows(this, 'Workflows', {
      functions: this.functions,
      prefix: this.stateMachinePrefix,
      folder: props.stateMachinesFolder ?? join(root, 'state-machines'),
      onMissingFunction: props.onMissingFunction,
    });

    // Channel resources exist only once a function needs them.
    const sesConfigurationSet = this.functions.anyNeeds((n) => n.ses) ? new ConfigurationSet(this, 'MailConfigurationSet', {}) : undefined;
    const connect = this.functions.anyNeeds((n) => n.connect) ? this.connectParameters() : undefined;
    const printServiceUrl = this.functions.anyNeeds((n) => n.printService)
      ? this.urlParameter('PrintServiceUrl', 'Base URL of the print service API (letters are POSTed to {url}/jobs)')
      : undefined;
    const skipTraceUrl = this.functions.anyNeeds((n) => n.skipTrace)
      ? this.urlParameter('SkipTraceUrl', 'Base URL of the skip-trace provider API (lookups are POSTed to {url}/lookups)')
      : undefined;

    // Named here, not taken from the dashboard: its widgets depend on the functions, so a function
    // referencing it would make a cycle.
    const dashboardName = `${this.stackName}-operations`;
    this.providerSecrets = new ProviderSecrets(this, 'ProviderSecrets', {
      printService: this.functions.anyNeeds((n) => n.printService),
      skipTrace: this.functions.anyNeeds((n) => n.skipTrace),
    });

    this.functions.bindNeeds({
      table: this.storage.table,
      dropBucket: this.storage.dropBucket,
      documentsBucket: this.storage.documentsBucket,
      adminToken: this.api.adminToken,
      cursorSecret: this.api.cursorSecret,
      userPool: this.auth.userPool,
      startQueue: this.imports.startQueue,
      stateMachinePrefix: this.stateMachinePrefix,
      stateMachineKinds: this.workflows.kinds,
      sesConfigurationSet: sesConfigurationSet?.configurationSetName,
      connect,
      printServiceUrl,
      skipTraceUrl,
      dashboardUrl: dashboardConsoleUrl(Aws.REGION, dashboardName),
      printServiceSecret: this.providerSecrets.printService,
      skipTraceSecret: this.providerSecrets.skipTrace,
    });

    this.schedules = new Schedules(this, 'Schedules', { functions: this.functions.withTrigger('schedule'), needsOf: (name) => this.functions.needsOf(name) });

    this.observability = new Observability(this, 'Observability', {
      functions: this.functions.all,
      workflowStepFunctions: this.functions.withTrigger('workflow'),
      workflowKinds: WORKFLOW_KINDS,
      machines: this.workflows.machines,
      startQueue: this.imports.startQueue,
      deadLetterQueue: this.imports.deadLetterQueue,
      importFailures: this.imports.importFailures,
      scheduleFailures: this.schedules.deadLetterQueue,
      alarmEmail: props.alarmEmail,
      dashboardName,
    });

    this.console.publish({
      apiUrl: this.api.stage.url,
      auth: { domain: this.auth.domain.baseUrl(), clientId: this.auth.consoleClient.userPoolClientId },
      dashboardUrl: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${this.observability.dashboard.dashboardName}`,
    });
  }

  /** Amazon Connect is set up outside this stack (instance, flows, claimed number). */
  private connectParameters(): ConnectSettings {
    const p = (id: string, description: string) => new CfnParameter(this, id, { type: 'String', minLength: 1, description }).valueAsString;
    return {
      instanceId: p('ConnectInstanceId', 'Amazon Connect instance id used for voice and call-centre calls'),
      contactFlowId: p('ConnectContactFlowId', 'Contact flow that plays the text-to-speech message (voice nodes)'),
      callCentreFlowId: p('ConnectCallCentreFlowId', 'Contact flow that queues the call to an agent (call nodes)'),
      sourcePhone: p('ConnectSourcePhone', 'Claimed phone number (E.164) the calls come from'),
    };
  }

  private urlParameter(id: string, description: string): string {
    return new CfnParameter(this, id, { type: 'String', allowedPattern: '^https://\\S+$', constraintDescription: 'an https:// URL', description }).valueAsString;
  }
}
