import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionNeeds } from '../function-catalog';
import type { HouseFunction } from './house-function';
import { acknowledge } from './nag';

export interface SchedulesProps {
  /** Functions with trigger 'schedule'; each runs on its catalog `schedule`. */
  readonly functions: readonly HouseFunction[];
  readonly needsOf: (name: string) => FunctionNeeds;
  /** Times EventBridge retries a failed delivery to the function. @default 2 */
  readonly retryAttempts?: number;
}

/**
 * One EventBridge rule per scheduled function. A run EventBridge could not deliver (the function
 * throttled or missing past the retries) lands in the dead-letter queue, which is alarmed, instead
 * of being dropped: a day's sweep that never started is then seen.
 */
export class Schedules extends Construct {
  public readonly deadLetterQueue: Queue;
  public readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      // SQS-managed keys: EventBridge may send to them with the queue policy alone (a customer key would also need a key policy).
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', 'It is itself the dead-letter queue of the schedule targets, read by operators and alarmed.');

    for (const fn of props.functions) {
      const expression = props.needsOf(fn.functionName).schedule;
      if (!expression) throw new Error(`functions/${fn.functionName} has trigger "schedule" but no schedule expression in infra/function-catalog.ts`);
      this.rules.push(
        new Rule(this, `${fn.node.id}Schedule`, {
          schedule: Schedule.expression(expression),
          targets: [new LambdaFunction(fn.fn, { retryAttempts: props.retryAttempts ?? 2, deadLetterQueue: this.deadLetterQueue })],
        }),
      );
    }
  }
}
