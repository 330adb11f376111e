import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpSqsIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENVELOPE_ATTRIBUTE } from '../../src/sources/envelope';
import { HyperauditFunction } from './hyperaudit-function';
import { grantTableAccess } from './table-access';
import { MAX_CLOCK_SKEW_ENV } from '../../src/sources/clock-skew';

/** SQS's ceiling; maxBodyBytes stays below it by the envelope attribute's size (config caps it). */
const MAX_MESSAGE_BYTES = 1_048_576;

export interface IngestApiProps {
  table: dynamodb.ITable;
  ingestTokenSecretName: string;
  maxBodyBytes: number;
  /** Seconds an event may be dated ahead of the ingest function's clock. */
  maxClockSkewSeconds: number;
  logRetention: logs.RetentionDays;
  metricsNamespace: string;
}

/**
 * Everything that brings events in: an HTTP API (bearer token checked by a Lambda authorizer against
 * Secrets Manager) and an EventBridge bus, both writing to one SQS queue with a DLQ, drained by the
 * ingest Lambda with partial-batch failure reporting.
 *
 * HTTP API rather than REST API: it integrates with SQS directly (no Lambda on the request path) and
 * costs less; REST's request validators buy nothing here because bodies are validated by the normalisers.
 * The authorizer sees the headers but not the body, so it refuses by Content-Length; SQS's own message
 * limit (1 MiB) and API Gateway's payload limit are the backstop for a client that lies about the length.
 */
export class IngestApi extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly api: apigwv2.HttpApi;
  readonly bus: events.EventBus;
  readonly tokenSecret: secretsmanager.Secret;
  readonly authorizerFunction: HyperauditFunction;
  readonly ingestFunction: HyperauditFunction;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      maxMessageSizeBytes: MAX_MESSAGE_BYTES,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // A DLQ's own redrive target would be a third queue nobody reads; its depth alarm is the safety net.
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the ingest queue; an alarm fires on its depth.',
    });

    const ingestTimeout = Duration.seconds(60);
    this.queue = new sqs.Queue(this, 'Queue', {
      // The largest SQS allows, so a body at maxBodyBytes plus its envelope attribute always fits.
      maxMessageSizeBytes: MAX_MESSAGE_BYTES,
      // SQS-managed keys, not KMS: EventBridge and API Gateway deliver to it without extra key grants.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(ingestTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.tokenSecret = new secretsmanager.Secret(this, 'IngestToken', {
      secretName: props.ingestTokenSecretName,
      description: 'Bearer token accepted by the hyperaudit HTTP ingest endpoint',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Static bearer token shared with external senders (VEBA, relays, scripts); rotating it needs them reconfigured, so it is rotated by hand (docs/deploy.md).',
    });

    this.authorizerFunction = new HyperauditFunction(this, 'Authorizer', {
      handlerDir: 'http-authorizer',
      description: 'Checks the ingest bearer token and body size, and hands the content headers to SQS',
      // On the request path: the default 512 MB buys the CPU for a quick cold start; API Gateway waits 10 s at most.
      timeout: Duration.seconds(10),
      logRetention: props.logRetention,
      metricsNamespace: props.metricsNamespace,
      environment: {
        INGEST_TOKEN_SECRET_ID: this.tokenSecret.secretArn,
        MAX_BODY_BYTES: String(props.maxBodyBytes),
      },
    });
    this.tokenSecret.grantRead(this.authorizerFunction);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'hyperaudit event ingest',
      createDefaultStage: false,
    });
    new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.jsonWithStandardFields(),
      },
    });

    const authorizer = new HttpLambdaAuthorizer('BearerToken', this.authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      // The authorizer's context carries this request's headers, so a cached answer would be wrong.
      resultsCacheTtl: Duration.seconds(0),
    });
    this.api.addRoutes({
      path: '/events',
      methods: [apigwv2.HttpMethod.POST],
      authorizer,
      integration: new HttpSqsIntegration('EnqueueEvent', {
        queue: this.queue,
        parameterMapping: new apigwv2.ParameterMapping()
          .custom('QueueUrl', this.queue.queueUrl)
          .custom('MessageBody', '$request.body')
          .custom(
            'MessageAttributes',
            JSON.stringify({
              // biome-ignore lint/suspicious/noTemplateCurlyInString: an API Gateway mapping expression, resolved by API Gateway, not by JavaScript
              [ENVELOPE_ATTRIBUTE]: { DataType: 'String', StringValue: '${context.authorizer.envelope}' },
            }),
          ),
      }),
    });

    this.bus = new events.EventBus(this, 'Bus', { description: 'Custom fleet events for hyperaudit' });
    new events.Rule(this, 'BusToQueue', {
      eventBus: this.bus,
      description: 'Every event put on the hyperaudit bus by this account goes to the ingest queue',
      eventPattern: { account: [Stack.of(this).account] },
      targets: [new targets.SqsQueue(this.queue)],
    });

    this.ingestFunction = new HyperauditFunction(this, 'Ingest', {
      handlerDir: 'ingest',
      description: 'Normalises queued HTTP and EventBridge bodies and stores their fleet events',
      timeout: ingestTimeout,
      logRetention: props.logRetention,
      metricsNamespace: props.metricsNamespace,
      environment: { TABLE_NAME: props.table.tableName, [MAX_CLOCK_SKEW_ENV]: String(props.maxClockSkewSeconds) },
    });
    grantTableAccess(props.table, this.ingestFunction, 'ingest');
    this.ingestFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
      }),
    );
  }
}
