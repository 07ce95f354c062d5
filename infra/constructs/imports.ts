import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HouseFunction } from './house-function';
import { acknowledge } from './nag';

/** Construct id of aws-cdk-lib's singleton bucket-notifications handler. */
const BUCKET_NOTIFICATIONS_HANDLER = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export interface ImportsProps {
  readonly dropBucket: IBucket;
  /** Called for every CSV created in the drop bucket (absent until its folder exists). */
  readonly importFunctions: readonly HouseFunction[];
  /** Consume the start queue (absent until its folder exists). */
  readonly starterFunctions: readonly HouseFunction[];
  /** Messages per Lambda invocation. @default 10 */
  readonly batchSize?: number;
  /**
   * Concurrent starters. Each starter calls StartExecution once per message; a few
   * concurrent pollers stay well under the StartExecution refill rate. @default 5
   */
  readonly maxStarterConcurrency?: number;
  /** Deliveries before a message goes to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
}

/**
 * The import path: a CSV created in the drop bucket invokes the import function; imports
 * (and phase changes) queue `{ caseId, kind, seq }` on the start queue, whose consumer starts
 * the executions. A message that keeps failing lands in the dead-letter queue (alarmed). An
 * import invocation that fails after Lambda's own retries lands in the import failures queue
 * (alarmed), its S3 event inside: invoked again with it, the import resumes from its checkpoint.
 */
export class Imports extends Construct {
  public readonly startQueue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly importFailures: Queue;

  constructor(scope: Construct, id: string, props: ImportsProps) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, 'StartDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // Lambda's guidance: visibility timeout at least six times the consumer's timeout.
    const starterTimeout = Math.max(60, ...props.starterFunctions.map((f) => f.fn.timeout?.toSeconds() ?? 60));
    this.startQueue = new Queue(this, 'Start', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(starterTimeout * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    this.importFailures = new Queue(this, 'ImportFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.importFailures, 'AwsSolutions-SQS3', "The import function's on-failure destination: it is itself the dead-letter store of failed S3-triggered (asynchronous) import invocations, read by operators and alarmed.");

    for (const fn of props.importFunctions) {
      // S3 invokes asynchronously: Lambda retries twice, then the event would be gone.
      fn.fn.configureAsyncInvoke({ onFailure: new SqsDestination(this.importFailures), retryAttempts: 2 });
      // Two rules because S3 suffix filters are case-sensitive; anything else in the drop
      // folder (notes, zips) is not an import. reports/*.csv also match: the import
      // function must ignore keys under reports/ (it writes them itself).
      for (const suffix of ['.csv', '.CSV']) {
        props.dropBucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(fn.fn), { suffix });
      }
    }
    // CDK installs the notifications through its own singleton handler Lambda.
    const notificationsHandler = Stack.of(this).node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER);
    if (notificationsHandler) {
      acknowledge(
        notificationsHandler,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's own deploy-time handler that writes the bucket notification configuration; its role is fixed by aws-cdk-lib and only runs during deployments.",
      );
    }

    for (const fn of props.starterFunctions) {
      fn.fn.addEventSource(
        new SqsEventSource(this.startQueue, {
          batchSize: props.batchSize ?? 10,
          maxBatchingWindow: Duration.seconds(1),
          reportBatchItemFailures: true,
          maxConcurrency: props.maxStarterConcurrency ?? 5,
        }),
      );
    }

    new CfnOutput(this, 'StartQueueUrl', { value: this.startQueue.queueUrl });
  }
}
