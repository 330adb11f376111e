import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ReportsBucketProps {
  reportRetentionDays: number;
}

/**
 * Where compliance reports (and the working files of a Step Functions run) land: private, TLS only,
 * encrypted, versioned, with server access logs in a second bucket and lifecycle rules on both.
 */
export class ReportsBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ReportsBucketProps) {
    super(scope, id);
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(props.reportRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the reports bucket; logging it would need a third bucket, recursively.',
    });

    this.bucket = new s3.Bucket(this, 'Reports', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'reports/',
      lifecycleRules: [
        {
          id: 'reports',
          prefix: 'reports/',
          expiration: Duration.days(props.reportRetentionDays),
          noncurrentVersionExpiration: Duration.days(30),
        },
        {
          // Per-run working files (cluster list, simulation shards) only matter while the run lasts.
          id: 'runs',
          prefix: 'runs/',
          expiration: Duration.days(7),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          // The judged list one run leaves the next is rewritten daily: only its current version matters.
          id: 'audit-state',
          prefix: 'audit/',
          noncurrentVersionExpiration: Duration.days(1),
        },
        { id: 'uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
