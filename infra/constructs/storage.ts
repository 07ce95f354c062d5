import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS } from '../../shared/adapters/dynamo/table-definition';
import { acknowledge } from './nag';

export interface StorageProps {
  /** Days an import error report stays in reports/. @default 90 */
  readonly reportRetentionDays?: number;
  /** Days a replaced or deleted object version is kept. @default 30 */
  readonly noncurrentVersionDays?: number;
}

/**
 * Everything that holds data: the single table, the drop bucket (CSV uploads and import
 * reports), the documents bucket (letters) and the bucket their access logs go to. All
 * are retained when the stack is deleted: they hold debtors' data and the audit trail.
 */
export class Storage extends Construct {
  public readonly table: Table;
  public readonly dropBucket: Bucket;
  public readonly documentsBucket: Bucket;
  public readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);

    // Keys and indexes come from the same definition the local runtime creates its table from.
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
      });
    }

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      ...secureBucketDefaults(),
      // S3 server access logging delivers with SSE-S3 only; it is allowed in by bucket policy
      // (feature flag serverAccessLogsUseBucketPolicy), not by ACL.
      encryption: BucketEncryption.S3_MANAGED,
      versioned: false,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
    });
    acknowledge(this.accessLogsBucket, 'AwsSolutions-S1', 'This is the access-log bucket itself; logging it into itself would loop.');

    this.dropBucket = new Bucket(this, 'Drop', {
      ...secureBucketDefaults(),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'drop/',
      lifecycleRules: [
        { id: 'expire-import-reports', prefix: 'reports/', expiration: Duration.days(props.reportRetentionDays ?? 90) },
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30) },
        { id: 'abort-stale-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    this.documentsBucket = new Bucket(this, 'Documents', {
      ...secureBucketDefaults(),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'documents/',
      lifecycleRules: [
        // Letters are evidence of contact: keep them, but cheaply once printed.
        { id: 'letters-to-infrequent-access', transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }] },
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30) },
        { id: 'abort-stale-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
  }
}

function secureBucketDefaults() {
  return {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: BucketEncryption.S3_MANAGED,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
  } as const;
}
