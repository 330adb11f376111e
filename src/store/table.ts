import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one table hyperaudit keeps everything in. Shared by the CLI (which creates it on a local or
 * `--endpoint` server when missing) and the CDK app (which owns it in AWS), so both agree on key names.
 */
export const TABLE = {
  defaultName: 'hyperaudit',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB's TTL deletes event history after its retention. */
  ttlAttribute: 'expiresAt',
} as const;

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}
