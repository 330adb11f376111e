import type {
  APIGatewayRequestAuthorizerEventV2,
  DynamoDBRecord,
  EventBridgeEvent,
  SQSMessageAttributes,
  SQSRecord,
} from 'aws-lambda';

/** Payloads shaped like the ones AWS delivers (field for field as documented for each trigger). */

const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';

export function sqsRecord(
  body: string,
  messageAttributes: SQSMessageAttributes = {},
  id: string = crypto.randomUUID(),
): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `AQEB${id.replace(/-/g, '')}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1764120000000',
      SenderId: 'AROAEXAMPLE:apigateway',
      ApproximateFirstReceiveTimestamp: '1764120000100',
    },
    messageAttributes,
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:Hyperaudit-IngestQueue`,
    awsRegion: REGION,
  };
}

/** What API Gateway's SQS-SendMessage integration enqueues: the raw body plus the authorizer's envelope. */
export function httpSqsRecord(body: string, envelope: string, id?: string): SQSRecord {
  return sqsRecord(
    body,
    {
      'hyperaudit-envelope': { dataType: 'String', stringValue: envelope, stringListValues: [], binaryListValues: [] },
    },
    id,
  );
}

export function authorizerEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:abcdef1234/$default/POST/events`,
    identitySource: headers.authorization !== undefined ? [headers.authorization] : [],
    routeKey: 'POST /events',
    rawPath: '/events',
    rawQueryString: '',
    cookies: [],
    headers,
    queryStringParameters: {},
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'abcdef1234',
      domainName: 'abcdef1234.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abcdef1234',
      http: { method: 'POST', path: '/events', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'Jx1sZh3BjoEEMsw=',
      routeKey: 'POST /events',
      stage: '$default',
      time: '26/Nov/2026:01:40:00 +0000',
      timeEpoch: 1764121200000,
    },
    pathParameters: {},
    stageVariables: {},
  } as APIGatewayRequestAuthorizerEventV2;
}

/** A stream record for an item insert, with keys and new image the way DynamoDB Streams marshals them. */
export function streamInsert(
  keys: { pk: string; sk: string },
  sequence: number,
  image: Record<string, unknown> = {},
): DynamoDBRecord {
  return {
    eventID: `c81e728d9d4c2f636f067f89cc14862${sequence}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb: {
      ApproximateCreationDateTime: 1764121200,
      Keys: { pk: { S: keys.pk }, sk: { S: keys.sk } },
      NewImage: { pk: { S: keys.pk }, sk: { S: keys.sk }, ...image } as never,
      SequenceNumber: String(111_000_000 + sequence),
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Hyperaudit-FleetTable/stream/2026-11-26T00:00:00.000`,
  };
}

export function cloudFormationEvent(
  id: string,
  status = 'UPDATE_COMPLETE',
): EventBridgeEvent<'CloudFormation Stack Status Change', unknown> {
  return {
    version: '0',
    id,
    'detail-type': 'CloudFormation Stack Status Change',
    source: 'aws.cloudformation',
    account: ACCOUNT,
    time: '2026-11-26T01:40:00Z',
    region: REGION,
    resources: [`arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/payments-prod/3e1b8a40-ca5f-11f0-9f3b-0a1b2c3d4e5f`],
    detail: {
      'stack-id': `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/payments-prod/3e1b8a40-ca5f-11f0-9f3b-0a1b2c3d4e5f`,
      'status-details': { status, 'status-reason': '' },
    },
  };
}

export function codeDeployEvent(
  id: string,
): EventBridgeEvent<'CodeDeploy Deployment State-change Notification', unknown> {
  return {
    version: '0',
    id,
    'detail-type': 'CodeDeploy Deployment State-change Notification',
    source: 'aws.codedeploy',
    account: ACCOUNT,
    time: '2026-11-26T01:41:00Z',
    region: REGION,
    resources: [`arn:aws:codedeploy:${REGION}:${ACCOUNT}:deploymentgroup:payments/payments-prod`],
    detail: {
      region: REGION,
      deploymentId: 'd-ABCDEF123',
      instanceGroupId: '9fd2fbef-2157-40d8-91e7-6845af69e2d2',
      deploymentGroup: 'payments-prod',
      state: 'SUCCESS',
      application: 'payments',
    },
  };
}

export function codePipelineEvent(
  id: string,
): EventBridgeEvent<'CodePipeline Pipeline Execution State Change', unknown> {
  return {
    version: '0',
    id,
    'detail-type': 'CodePipeline Pipeline Execution State Change',
    source: 'aws.codepipeline',
    account: ACCOUNT,
    time: '2026-11-26T01:42:00Z',
    region: REGION,
    resources: [`arn:aws:codepipeline:${REGION}:${ACCOUNT}:payments-pipeline`],
    detail: {
      pipeline: 'payments-pipeline',
      'execution-id': '01234567-0123-0123-0123-012345678901',
      state: 'SUCCEEDED',
      version: 3,
    },
  };
}
