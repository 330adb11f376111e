import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CLUSTER_INDEX } from './cluster-index';

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
  /** The global secondary index incremental evaluation reads a cluster and a perimeter's members through. */
  clusterIndex: CLUSTER_INDEX,
} as const;

/** The cluster index as CreateTable and UpdateTable describe it (keys and `z`: a cluster's states in one Query). */
export function clusterIndexDefinition() {
  return {
    IndexName: CLUSTER_INDEX.name,
    KeySchema: [
      { AttributeName: CLUSTER_INDEX.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: CLUSTER_INDEX.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...CLUSTER_INDEX.projected] },
  };
}

/**
 * `clusterIndex: false` leaves the index out: DynamoDB Local (checked with 2.x) never expires TTL items of a
 * table that has a global secondary index, so its TTL test makes the table without it (incremental evaluation
 * then reads the table, as it does before the index is built).
 */
export function createTableInput(tableName: string, options: { clusterIndex?: boolean } = {}): CreateTableCommandInput {
  const clusterIndex = options.clusterIndex ?? true;
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE.sortKey, AttributeType: 'S' },
      ...(clusterIndex
        ? [
            { AttributeName: CLUSTER_INDEX.partitionKey, AttributeType: 'S' as const },
            { AttributeName: CLUSTER_INDEX.sortKey, AttributeType: 'S' as const },
          ]
        : []),
    ],
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    ...(clusterIndex && { GlobalSecondaryIndexes: [clusterIndexDefinition()] }),
    BillingMode: 'PAY_PER_REQUEST',
  };
}
