import { randomUUID } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2, DynamoDBRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FleetEvent } from '../model/event';
import { ENVELOPE_ATTRIBUTE } from '../sources/envelope';
import { eventItem, eventKey } from '../store/items';

/**
 * The AWS event shapes the deployed handlers receive, built from a local request, so `serve` runs the same
 * handler code as the cloud: API Gateway v2 → Lambda authorizer, the HTTP API's SQS integration → ingest
 * (an SQS batch), the table's stream → evaluate (INSERT records of event items).
 */
const REGION = 'local';
const ACCOUNT = '000000000000';

export function authorizerEvent(
  method: string,
  path: string,
  headers: Record<string, string | undefined>,
  sourceIp: string,
): APIGatewayRequestAuthorizerEventV2 {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) clean[k.toLowerCase()] = v;
  const now = Date.now();
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:local/$default/${method}${path}`,
    identitySource: clean.authorization !== undefined ? [clean.authorization] : [],
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    cookies: [],
    headers: clean,
    queryStringParameters: {},
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp, userAgent: clean['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    pathParameters: {},
    stageVariables: {},
  };
}

/** What the HTTP API's SQS integration enqueues: the raw body plus the authorizer's envelope attribute. */
export function sqsRecord(body: string, envelope: string, messageId: string = randomUUID()): SQSRecord {
  const now = String(Date.now());
  return {
    messageId,
    receiptHandle: `local-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: ACCOUNT,
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: { [ENVELOPE_ATTRIBUTE]: { dataType: 'String', stringValue: envelope } },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:hyperaudit-ingest`,
    awsRegion: REGION,
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** The stream INSERT records DynamoDB would emit for newly stored event items. */
export function streamInsertRecords(events: readonly FleetEvent[]): DynamoDBRecord[] {
  const storedAt = Date.now();
  return events.map((event, i) => {
    const key = eventKey(event);
    const item = eventItem(event, JSON.stringify(event), key, storedAt, Math.floor(storedAt / 1000) + 400 * 86_400);
    return {
      eventID: `${storedAt}-${i}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(storedAt / 1000),
        Keys: { pk: { S: key.pk }, sk: { S: key.sk } },
        NewImage: item as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
        SequenceNumber: String(storedAt * 1000 + i),
        SizeBytes: Buffer.byteLength(JSON.stringify(item)),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/hyperaudit/stream/local`,
    };
  });
}
