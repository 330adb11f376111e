import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TABLE } from '../../src/store/table';

/**
 * The DynamoDB actions each function's store calls send (docs/store.md, "Access patterns"), instead of
 * grantReadWriteData's dozen. test/infra/table-grants.test.ts runs each handler core against a recording
 * client and checks these grants against what it actually sent, both ways.
 */

/** `putEvents`: duplicate check and writes, plus `compactEntity` for an entity that got `snapshotEvery` events. */
const PUT_EVENTS = ['BatchGetItem', 'BatchWriteItem', 'Query', 'GetItem', 'PutItem'] as const;
/** `runAudit`: Scan (loadFleet), Query + BatchWriteItem (findings), GetItem + PutItem (meta). */
const AUDIT = ['Scan', 'Query', 'BatchWriteItem', 'GetItem', 'PutItem'] as const;

const union = (...lists: readonly (readonly string[])[]) => [...new Set(lists.flat())].sort();

/** Actions by function, without the `dynamodb:` prefix. None gets DescribeTable: no Lambda creates the table. */
export const TABLE_ACTIONS = {
  ingest: union(PUT_EVENTS),
  evaluate: union(AUDIT),
  // Findings and outbox Queries, meta GetItem/PutItem, outbox PutItem (attribute_not_exists) and DeleteItem.
  notify: union(['Query', 'GetItem', 'PutItem', 'DeleteItem']),
  // Start: the shard registry (Query), `compact()` on a table's first run (consistent Scan, GetItem STATE,
  // conditional PutItem) + perimeters through putEvents; PrepareCluster: `compactShard` (index and partition
  // Queries, GetItem STATE, conditional PutItem).
  audit: union(PUT_EVENTS, AUDIT),
  // Stores the merged simulation (PutItem), audits, and reads the report's data (Scan, Query, GetItem); removes
  // trend entries older than the runs a trend keeps (DeleteItem).
  report: union(AUDIT, ['DeleteItem']),
  // AuditShard: the findings of its resources (Query by resource, its cluster's unverified pages) and the waivers
  // (GetItem); it stages its writes in the run files for the report step to commit.
  auditShard: union(['Query', 'GetItem']),
  // planStored: loadFleet (Scan), the stored simulation's window (GetItem), plan/latest (PutItem).
  plan: union(['Scan', 'GetItem', 'PutItem']),
  // vSphere collector: putEvents, plus its checkpoint and inventory digests (meta GetItem, Query, PutItem).
  collect: union(PUT_EVENTS, ['Query', 'GetItem', 'PutItem']),
} as const satisfies Record<string, readonly string[]>;

export type TableUser = keyof typeof TABLE_ACTIONS;

/**
 * Functions that Query the cluster index: incremental evaluation reads clusters and perimeters through it, the run's
 * PrepareCluster (on the audit function) its shard.
 */
const CLUSTER_INDEX_USERS: ReadonlySet<TableUser> = new Set(['evaluate', 'audit']);

/**
 * Grants one function exactly its actions on the table, and Query on the cluster index to those that read it. Not
 * `Table.grant`: with an index on the table it adds `index/*` to every grant, a wildcard no other function needs.
 */
export function grantTableAccess(table: dynamodb.ITable, grantee: iam.IGrantable, user: TableUser): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: TABLE_ACTIONS[user].map((a) => `dynamodb:${a}`), resources: [table.tableArn] }),
  );
  if (CLUSTER_INDEX_USERS.has(user))
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${TABLE.clusterIndex.name}`],
      }),
    );
}
