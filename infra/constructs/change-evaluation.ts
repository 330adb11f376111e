import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Severity } from '../../src/model/finding';
import { EVENT_SK_PREFIX, FINDINGS_PK } from '../../src/store/items';
import { acknowledgeWildcards, nagArnOf } from '../nag/acknowledgements';
import { HyperauditFunction, type BundledFile } from './hyperaudit-function';
import { grantTableAccess } from './table-access';

export interface ChangeEvaluationProps {
  table: dynamodb.ITable;
  webhookSecretName: string;
  failThreshold: Severity;
  auditFiles: BundledFile[];
  auditEnvironment: Record<string, string>;
  logRetention: logs.RetentionDays;
  metricsNamespace: string;
  /** 1: one notify run at a time; 0: unreserved (see HyperauditConfig.notifyReservedConcurrency). */
  notifyReservedConcurrency: number;
}

/**
 * Reacting to change through the table's stream: new event items → evaluate (incremental audit of the
 * touched entities); changed findings → notify (Slack digest through the outbox). The only function
 * that can read the webhook secret is notify.
 */
export class ChangeEvaluation extends Construct {
  readonly evaluateFunction: HyperauditFunction;
  readonly notifyFunction: HyperauditFunction;
  /** Stream batches that kept failing, for both consumers. */
  readonly deadLetterQueue: sqs.Queue;
  readonly webhookSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: ChangeEvaluationProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'StreamFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the on-failure destination (DLQ) of both stream consumers; an alarm fires on its depth.',
    });
    this.webhookSecret = secretsmanager.Secret.fromSecretNameV2(this, 'SlackWebhook', props.webhookSecretName);

    const env = { TABLE_NAME: props.table.tableName, FAIL_THRESHOLD: props.failThreshold, ...props.auditEnvironment };
    this.evaluateFunction = new HyperauditFunction(this, 'Evaluate', {
      handlerDir: 'evaluate',
      description: 'Incremental audit of the entities new events touched',
      timeout: Duration.minutes(2),
      memorySize: 1024,
      files: props.auditFiles,
      environment: env,
      logRetention: props.logRetention,
      metricsNamespace: props.metricsNamespace,
    });
    grantTableAccess(props.table, this.evaluateFunction, 'evaluate');
    this.evaluateFunction.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(10),
        // One incremental audit covers the whole batch, so a failure retries the batch (halved each time).
        bisectBatchOnError: true,
        retryAttempts: 5,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { sk: { S: lambda.FilterRule.beginsWith(EVENT_SK_PREFIX) } } },
          }),
        ],
      }),
    );

    this.notifyFunction = new HyperauditFunction(this, 'Notify', {
      handlerDir: 'notify',
      description: 'Plans the Slack digest of changed findings and drains the outbox',
      timeout: Duration.minutes(2),
      // The stream, the 15-minute drain and the workflow's SlackDigest step all invoke this function; one
      // instance at a time keeps two runs from posting the same outbox message or writing the digest state
      // out of order. A throttled invoke is retried by the stream mapping and by the workflow step; a
      // throttled drain is simply the next one.
      ...(props.notifyReservedConcurrency > 0 && { reservedConcurrentExecutions: props.notifyReservedConcurrency }),
      environment: {
        TABLE_NAME: props.table.tableName,
        FAIL_THRESHOLD: props.failThreshold,
        SLACK_WEBHOOK_SECRET_ID: props.webhookSecretName,
      },
      logRetention: props.logRetention,
      metricsNamespace: props.metricsNamespace,
    });
    grantTableAccess(props.table, this.notifyFunction, 'notify');
    this.webhookSecret.grantRead(this.notifyFunction);
    this.notifyFunction.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 1000,
        // Findings of one audit arrive together; one digest for the lot, not one per item.
        maxBatchingWindow: Duration.seconds(60),
        retryAttempts: 5,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          lambda.FilterCriteria.filter({ dynamodb: { Keys: { pk: { S: lambda.FilterRule.isEqual(FINDINGS_PK) } } } }),
        ],
      }),
    );

    // Messages Slack refused for a while wait in the outbox; this drains them even when nothing else changes.
    const drainRole = new iam.Role(this, 'OutboxDrainRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Lets the outbox-drain schedule invoke the notify function',
    });
    new scheduler.Schedule(this, 'OutboxDrain', {
      description: 'Retries Slack messages still waiting in the hyperaudit outbox',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(15)),
      target: new schedulerTargets.LambdaInvoke(this.notifyFunction, { retryAttempts: 0, role: drainRole }),
    });
    acknowledgeWildcards(
      drainRole.node.findChild('DefaultPolicy'),
      [`Resource::${nagArnOf(this.notifyFunction)}:*`],
      'The scheduler target grants invoke on the notify function and its versions (ARN:*), nothing else.',
    );
  }
}
