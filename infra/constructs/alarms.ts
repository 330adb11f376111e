import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  alarmEmail?: string;
}

/** One SNS topic for operators and the alarms that feed it: DLQ depth, Lambda errors, failed runs. */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    // CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, hence a customer key.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the hyperaudit alarm topic',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
  }

  queueNotEmpty(id: string, queue: sqs.IQueue, what: string): cloudwatch.Alarm {
    return this.atLeastOnce(
      id,
      `${what}: messages that failed processing repeatedly are waiting`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    );
  }

  functionErrors(id: string, fn: lambda.IFunction): cloudwatch.Alarm {
    return this.atLeastOnce(
      id,
      `Lambda ${id} reported errors`,
      fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
  }

  executionsFailed(id: string, machine: sfn.IStateMachine): cloudwatch.Alarm {
    const failed = new cloudwatch.MathExpression({
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: machine.metricFailed({ statistic: 'Sum' }),
        timedOut: machine.metricTimedOut({ statistic: 'Sum' }),
        aborted: machine.metricAborted({ statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
    });
    return this.atLeastOnce(id, 'An audit run (scheduled or on deploy) failed, timed out or was aborted', failed);
  }

  /** A count metric the functions emit through Powertools (namespace + `service` dimension) reached 1. */
  metricReported(
    id: string,
    props: { namespace: string; service: string; metricName: string; description: string },
  ): cloudwatch.Alarm {
    const metric = new cloudwatch.Metric({
      namespace: props.namespace,
      metricName: props.metricName,
      dimensionsMap: { service: props.service },
      period: Duration.minutes(5),
      statistic: 'Sum',
    });
    return this.atLeastOnce(id, props.description, metric);
  }

  /** Every hyperaudit alarm fires on the first occurrence in a 5-minute period; no data is not a breach. */
  private atLeastOnce(id: string, description: string, metric: cloudwatch.IMetric): cloudwatch.Alarm {
    return this.add(
      new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  private add(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    alarm.addAlarmAction(this.action);
    return alarm;
  }
}
