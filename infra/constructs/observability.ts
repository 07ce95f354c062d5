import { Duration, type CfnResource } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_SERVICE } from '../../shared/adapters/metric-names';
import { METRICS_NAMESPACE, type HouseFunction } from './house-function';

/**
 * Application metrics the functions emit as EMF in namespace `Recoup` (shared/adapters/metrics.ts:
 * Powertools, dimension `service`, plus `channel` on message counts).
 */
export const APP_METRICS = {
  rowsImported: 'RowsImported',
  rowsRejected: 'RowsRejected',
  sent: 'MessagesSent',
  skipped: 'MessagesSkipped',
  failed: 'MessagesFailed',
  stepsFailed: 'StepsFailed',
} as const;

export interface ObservabilityProps {
  /**
   * The dashboard's name, chosen by the stack so functions can link it without depending on the
   * dashboard (whose widgets depend on the functions). @default a name CloudFormation generates
   */
  readonly dashboardName?: string;
  readonly functions: readonly HouseFunction[];
  /**
   * Functions run as workflow steps. They throw by design to make Step Functions retry (a call
   * whose outcome is pending, a provider refusing for now), so their Lambda errors are control
   * flow, not failures: they alarm through the steps given up after their retries instead.
   */
  readonly workflowStepFunctions: readonly HouseFunction[];
  /** Workflow kinds: the dimension of the steps-failed metric. */
  readonly workflowKinds: readonly string[];
  readonly machines: ReadonlyMap<string, StateMachine>;
  readonly startQueue: IQueue;
  readonly deadLetterQueue: IQueue;
  /** Import invocations that failed after Lambda's retries (the import function's on-failure destination). */
  readonly importFailures: IQueue;
  /** Scheduled runs EventBridge could not deliver (the schedule targets' dead-letter queue). */
  readonly scheduleFailures?: IQueue;
  /** Subscribed to the alarm topic when given. */
  readonly alarmEmail?: string;
  /** Lambda errors per 5 minutes that raise the function alarm. @default 1 */
  readonly functionErrorThreshold?: number;
}

/** The ops view: one dashboard and the alarms that page, through one encrypted topic. */
export class Observability extends Construct {
  public readonly dashboard: Dashboard;
  public readonly alarmTopic: Topic;
  public readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const period = Duration.minutes(5);

    // A customer key (not aws/sns) because CloudWatch must be allowed to use it to publish.
    const key = new Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts the Recoup alarm topic' });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: 'Recoup alarms' });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.alarmTopic);
    const alarm = (id: string, a: ConstructorParameters<typeof Alarm>[2]) => {
      const created = new Alarm(this, id, { treatMissingData: TreatMissingData.NOT_BREACHING, ...a });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    alarm('ImportFailuresAlarm', {
      alarmDescription: "An import failed after Lambda's retries; its S3 event waits in the import failures queue (requestPayload of the message). Read responsePayload for the error, fix the cause, then invoke the import function with the requestPayload: the import resumes from its checkpoint.",
      metric: props.importFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('DeadLettersAlarm', {
      alarmDescription: 'Workflow starts failed repeatedly and wait in the dead-letter queue. Read the messages, fix the cause, then redrive them to the start queue.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    if (props.scheduleFailures) {
      alarm('ScheduleFailuresAlarm', {
        alarmDescription: 'A scheduled run (the enrichment sweep) could not be delivered to its function after EventBridge\'s retries; the event waits in the schedules\' dead-letter queue. Check the function (throttles, errors), then invoke it by hand: a sweep takes up where the last one stopped.',
        metric: props.scheduleFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }
    // Aborted executions are not failures: every phase change (a hold, a plan, a payment that
    // closes the case) stops the case's run with StopExecution, which Step Functions counts as
    // aborted. They are on the dashboard; an alarm on them would never rest.
    for (const [kind, machine] of props.machines) {
      const failures = new MathExpression({
        expression: 'failed + timedOut',
        usingMetrics: { failed: machine.metricFailed({ period }), timedOut: machine.metricTimedOut({ period }) },
        label: `${kind} failed/timed out`,
        period,
      });
      alarm(`${machine.node.id}ExecutionsAlarm`, {
        alarmDescription: `Executions of ${kind} failed or timed out. Open the failed execution in the Step Functions console for the state and error.`,
        metric: failures,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }
    const stepFunctions = new Set(props.workflowStepFunctions);
    alarm('WorkflowStepsFailedAlarm', {
      alarmDescription: 'Workflow steps were given up after their retries (a message not sent, a check not made). The case timeline says which step and why (step_failed); fix the cause, then move the case on by hand if needed.',
      metric: new MathExpression({
        expression: props.workflowKinds.map((_, i) => `k${i}`).join(' + '),
        usingMetrics: Object.fromEntries(
          props.workflowKinds.map((kind, i) => [`k${i}`, new Metric({ namespace: METRICS_NAMESPACE, metricName: APP_METRICS.stepsFailed, dimensionsMap: { kind, service: METRICS_SERVICE }, statistic: 'Sum', period })]),
        ),
        label: 'workflow steps given up',
        period,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    for (const fn of props.functions.filter((f) => !stepFunctions.has(f))) {
      alarm(`${fn.node.id}ErrorsAlarm`, {
        alarmDescription: `${fn.functionName} raised errors. Its log group holds the stack traces (source-mapped).`,
        metric: fn.fn.metricErrors({ period, statistic: 'Sum' }),
        threshold: props.functionErrorThreshold ?? 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    const seconds = period.toSeconds();
    // SEARCH by name within the namespace, whatever the dimensions (Powertools adds `service`,
    // channel metrics add `channel`), so new channels and functions appear by themselves.
    const search = (metricName: string, label: string, dims = '') =>
      new MathExpression({
        expression: dims
          ? `SEARCH('{${METRICS_NAMESPACE},${dims}} MetricName="${metricName}"', 'Sum', ${seconds})`
          : `SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${metricName}"', 'Sum', ${seconds})`,
        label,
        period,
      });
    const perSecond = (metricName: string, label: string) =>
      new MathExpression({
        expression: `SUM(SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${metricName}"', 'Sum', ${seconds})) / ${seconds}`,
        label,
        period,
      });
    const machines = [...props.machines.entries()];
    const perMachine = (pick: (m: StateMachine) => IMetric) => machines.map(([, m]) => pick(m));

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1), ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}) });
    // cfn-lint's schema for AWS::CloudWatch::Dashboard lacks Tags, which CloudFormation accepts
    // (the stack-wide project tag lands here): E3002 is silenced for this one resource only.
    // https://github.com/aws-cloudformation/cfn-lint#metadata
    (this.dashboard.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['E3002'] } });
    this.dashboard.addWidgets(new TextWidget({ markdown: '# Recoup\nImports, workflows, channels, the start queue and the functions.', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Imports: rows/s', left: [perSecond(APP_METRICS.rowsImported, 'imported rows/s'), perSecond(APP_METRICS.rowsRejected, 'rejected rows/s')], width: 12 }),
      new GraphWidget({ title: 'Imports: rejected rows', left: [search(APP_METRICS.rowsRejected, 'rejected')], width: 12, statistic: 'Sum' }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Executions started', left: perMachine((m) => m.metricStarted({ period, label: m.node.id })), width: 6 }),
      new GraphWidget({ title: 'Executions failed', left: perMachine((m) => m.metricFailed({ period, label: m.node.id })), width: 6 }),
      new GraphWidget({ title: 'Executions stopped by phase changes', left: perMachine((m) => m.metricAborted({ period, label: m.node.id })), width: 6 }),
      new GraphWidget({ title: 'Executions throttled', left: perMachine((m) => m.metricThrottled({ period, label: m.node.id })), width: 6 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Channels: sent', left: [search(APP_METRICS.sent, 'sent', 'channel,service')], width: 6 }),
      new GraphWidget({ title: 'Channels: skipped', left: [search(APP_METRICS.skipped, 'skipped', 'channel,service')], width: 6 }),
      new GraphWidget({ title: 'Channels: failed', left: [search(APP_METRICS.failed, 'failed', 'channel,service')], width: 6 }),
      // Steps given up after their retries (record-step-failure), per workflow kind.
      new GraphWidget({ title: 'Workflow steps failed', left: [search(APP_METRICS.stepsFailed, 'steps failed', 'kind,service')], width: 6 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Start queue depth',
        left: [
          props.startQueue.metricApproximateNumberOfMessagesVisible({ period, label: 'waiting' }),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, label: 'dead letters' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Oldest message age (s)',
        left: [
          props.startQueue.metricApproximateAgeOfOldestMessage({ period, label: 'start queue' }),
          props.deadLetterQueue.metricApproximateAgeOfOldestMessage({ period, label: 'dead letters' }),
        ],
        width: 12,
      }),
    );
    const fns = props.functions;
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Lambda errors', left: fns.map((f) => f.fn.metricErrors({ period, label: f.functionName })), width: 8 }),
      new GraphWidget({ title: 'Lambda throttles', left: fns.map((f) => f.fn.metricThrottles({ period, label: f.functionName })), width: 8 }),
      new GraphWidget({ title: 'Lambda duration p95 (ms)', left: fns.map((f) => f.fn.metricDuration({ period, statistic: 'p95', label: f.functionName })), width: 8 }),
    );
  }
}
