import { Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AccessLogsBucket } from '#infra/shared/access-logs-bucket';
import { BUCKET_BASELINE } from '#infra/shared/bucket-baseline';
import { LogEncryption } from '#infra/shared/log-encryption';

export interface AuditTrailProps {
  trailName: string;
  /** ARNs of buckets whose object-level reads and writes are recorded (S3 data events); see addDataBucket. */
  dataBucketArns: readonly string[];
  /** Tables whose item-level reads and writes are recorded (DynamoDB data events). */
  dataTables: readonly dynamodb.ITable[];
  retention: Duration;
  /** COMPLIANCE locks out even the root user; GOVERNANCE lets a privileged operator clean up non-production stages. */
  objectLockMode: 'COMPLIANCE' | 'GOVERNANCE';
}

/**
 * CloudTrail for audit controls [PP-09, PP-18]: multi-region, digest-validated, KMS-encrypted, with
 * object-level events for PHI stores and the audit archive, delivered to a write-once (Object Lock) bucket.
 */
export class AuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  readonly logGroup: logs.LogGroup;
  /** Server access logs of this stack's buckets (the trail bucket, and any other bucket that asks). */
  readonly accessLogsBucket: s3.Bucket;
  private readonly dataBucketArns: string[];

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    this.dataBucketArns = [...props.dataBucketArns];
    const stack = Stack.of(this);
    const trailArn = stack.formatArn({
      service: 'cloudtrail',
      resource: 'trail',
      resourceName: props.trailName,
    });

    this.key = new kms.Key(this, 'Key', {
      description: 'PACScribe CloudTrail log files',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsThisTrail',
        principals: [cloudTrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': trailArn },
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`,
          },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribesKey',
        principals: [cloudTrail],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
      }),
    );

    this.accessLogsBucket = new AccessLogsBucket(this, 'AccessLogs', {
      retention: Duration.days(365),
    }).bucket;
    const lockPeriod = Duration.days(props.retention.toDays());
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...BUCKET_BASELINE,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      objectLockEnabled: true,
      objectLockDefaultRetention:
        props.objectLockMode === 'COMPLIANCE'
          ? s3.ObjectLockRetention.compliance(lockPeriod)
          : s3.ObjectLockRetention.governance(lockPeriod),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'trail/',
      lifecycleRules: [
        { expiration: props.retention.plus(Duration.days(1)), noncurrentVersionExpiration: Duration.days(1) },
      ],
    });

    const logEncryption = new LogEncryption(this, 'LogEncryption', {
      description: 'PACScribe CloudTrail in CloudWatch',
    });
    this.logGroup = logEncryption.createLogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName,
      bucket: this.bucket,
      encryptionKey: this.key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
    });

    // Advanced selectors: the L2 only knows S3 and Lambda data events, and basic and advanced selectors
    // cannot be mixed, so management events are selected here too.
    const cfnTrail = this.trail.node.defaultChild as cloudtrail.CfnTrail;
    cfnTrail.addPropertyDeletionOverride('EventSelectors');
    cfnTrail.advancedEventSelectors = [
      { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
      {
        name: 'Object access: imaging and audit archive',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
          {
            field: 'resources.ARN',
            startsWith: Lazy.list({ produce: () => this.dataBucketArns.map((bucketArn) => `${bucketArn}/`) }),
          },
        ],
      },
      {
        name: 'Table item access',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::DynamoDB::Table'] },
          { field: 'resources.ARN', equalTo: props.dataTables.map((table) => table.tableArn) },
        ],
      },
    ];

    Validations.of(this.bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'Trail files are write-once (Object Lock) and digest-validated; the multi-region trail already records every region. A cross-region copy is not a PP-12 obligation, which covers customer data.',
    });
    Validations.of(this.trail).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        "CloudTrail's delivery role for CloudWatch Logs: two actions on one log group, used by nothing else.",
    });
  }

  /** Records object-level reads and writes (S3 data events) of one more bucket. */
  addDataBucket(bucketArn: string): void {
    this.dataBucketArns.push(bucketArn);
  }
}
