/**
 * The AWS events hyperaudit's functions receive, as Powertools' parser schemas describe them: each handler parses
 * its event once with `parseStepInput` (an error names the field) and passes typed data to its use case.
 */
import { z } from 'zod';
import { APIGatewayRequestAuthorizerEventV2Schema } from '@aws-lambda-powertools/parser/schemas/api-gatewayv2';
import { DynamoDBStreamChangeRecordBase, DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';

export { APIGatewayRequestAuthorizerEventV2Schema as AuthorizerEvent, EventBridgeSchema as EventBridgeEvent };
export { SqsSchema as SqsEvent };

/**
 * What the collector's EventBridge Scheduler schedule delivers: the target input infra/constructs/vsphere-collector.ts
 * configures (`ScheduleTargetInput.fromObject({ trigger: 'schedule' })`), not an EventBridge rule's "Scheduled
 * Event" envelope. Anything else is an invocation nobody planned and is refused, naming the field.
 */
export const VsphereScheduleEvent = z.object({ trigger: z.literal('schedule') });

/**
 * A DynamoDB stream batch with its images left marshalled: Powertools' record schema unmarshalls them, while
 * the evaluate use case reads the attribute values as DynamoDB sends them (the local `serve` builds them so too).
 */
export const DynamoDBStreamEvent = z.object({
  Records: z.array(DynamoDBStreamRecord.extend({ dynamodb: DynamoDBStreamChangeRecordBase })),
});
