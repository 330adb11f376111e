import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { PREVIOUS_CLUSTER_INDEX } from '../../src/store/cluster-index';
import { TABLE } from '../../src/store/table';

/**
 * The single hyperaudit table. Key names and the TTL attribute come from src/store/table.ts, the same
 * definition the CLI uses to create it locally, so the Lambdas and the CLI read one layout.
 */
export class FleetTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE.ttlAttribute,
      // The evaluate and notify Lambdas react to changes; old images let them see what a change replaced.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      // Event history is the audit trail: a stack deletion must not take it along.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Incremental evaluation reads a cluster, the perimeters and a perimeter's members through it
    // (docs/store.md, "Cluster index"). One index: CloudFormation adds one per update, so a live table upgrades
    // (from the previous `cluster-index`, in two deploys: docs/store.md, "Upgrading a table").
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE.clusterIndex.name,
      partitionKey: { name: TABLE.clusterIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.clusterIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...TABLE.clusterIndex.projected],
    });
    // First of the two upgrade deploys (`-c keepPreviousClusterIndex=true`): the previous index stays while the new
    // one is created, since one stack update may add or delete one index, not both. Nothing reads it.
    if (['true', true].includes(this.node.tryGetContext('keepPreviousClusterIndex')))
      this.table.addGlobalSecondaryIndex({
        indexName: PREVIOUS_CLUSTER_INDEX,
        partitionKey: { name: TABLE.clusterIndex.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: TABLE.clusterIndex.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
  }
}
