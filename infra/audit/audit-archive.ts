import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ARCHIVER_BATCHES_PER_SHARD } from '#functions/audit/core/archive';
import { AUDIT_RECORD_CHANGED } from '#functions/shared/logger';
import { applyBindings } from '#infra/shared/bindings';
import { BUCKET_BASELINE } from '#infra/shared/bucket-baseline';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction, type TableRef } from '#infra/shared/pacs-function';
import type { FunctionNetwork } from '#infra/shared/private-network';
import { AUDIT_ARCHIVER_BINDINGS } from '#schemas/audit/env';
import type { AuditArchiveRef } from './bindings';

/** HIPAA §164.316(b)(2)(i): six years, counted generously (two leap days). */
export const AUDIT_ARCHIVE_MIN_RETENTION_DAYS = 2192;
/** The archiver writes `audit/org=<orgId>/chain=<cc>/seq=<12-digit seq>.json` (functions/audit/core/archive.ts). */
const AUDIT_ARCHIVE_PREFIX = 'audit/';
/** …and `checkpoints/org=<orgId>/chain=<cc>/seq=<12-digit seq>.json` (functions/audit/core/checkpoints.ts). */
const AUDIT_CHECKPOINT_PREFIX = 'checkpoints/';

export interface AuditArchiveProps {
  /** The audit table; its NEW_IMAGE stream is what gets archived. */
  table: TableRef;
  /** Default Object Lock retention; at least AUDIT_ARCHIVE_MIN_RETENTION_DAYS. */
  retention: Duration;
  /** The stack's server-access-log bucket. */
  accessLogsBucket: s3.IBucket;
  logEncryption: LogEncryption;
  /** The private network (PHI), or ISOLATION_OFF. */
  network: FunctionNetwork;
  reservedConcurrency: number;
}

/**
 * The write-once copy of the audit trail [PP-09, PP-18]: every record inserted into the audit table is
 * copied by a stream-triggered function into an S3 bucket under Object Lock in COMPLIANCE mode, in every
 * stage (no principal, root included, can delete or shorten a lock before it expires). The bucket policy
 * also refuses deletes, overwrites (If-None-Match is required) and writes by anyone but the archiver.
 * Batches that still fail after retries are recorded, as pointers, on an encrypted SQS queue.
 */
export class AuditArchive extends Construct implements AuditArchiveRef {
  readonly bucket: s3.Bucket;
  readonly encryptionKey: kms.Key;
  readonly keyPrefix = AUDIT_ARCHIVE_PREFIX;
  readonly checkpointPrefix = AUDIT_CHECKPOINT_PREFIX;
  /** Signs chain heads (the witness audit:verify checks the table against); only the archiver may sign. */
  readonly checkpointKey: kms.Key;
  readonly archiver: PacsFunction;
  readonly failedBatches: sqs.Queue;
  readonly failedBatchesKey: kms.Key;
  /** Fires on any modify or remove of an audit record the table stream shows (IAM denies both). */
  readonly tamperAlarm: cloudwatch.Alarm;
  /** Where the tamper alarm notifies; subscribe the security team's address to it. */
  readonly securityAlerts: sns.Topic;

  constructor(scope: Construct, id: string, props: AuditArchiveProps) {
    super(scope, id);
    const retentionDays = props.retention.toDays();
    if (retentionDays < AUDIT_ARCHIVE_MIN_RETENTION_DAYS) {
      throw new Error(
        `audit archive retention ${retentionDays} days is below the ${AUDIT_ARCHIVE_MIN_RETENTION_DAYS}-day (six-year) minimum`,
      );
    }

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: 'PACScribe audit archive (Object Lock)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...BUCKET_BASELINE,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      objectLockEnabled: true,
      // COMPLIANCE in every stage, dev included: the lock is the control under test, and GOVERNANCE
      // would let any principal holding s3:BypassGovernanceRetention delete records.
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(retentionDays)),
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'audit-archive/',
      // No expiration: records outlive their lock until a reviewed decision removes them.
    });

    // Asymmetric keys cannot rotate automatically; a new key means a new keyId in later checkpoints, and
    // audit:verify must then be given both public keys.
    this.checkpointKey = new kms.Key(this, 'CheckpointKey', {
      description: 'PACScribe audit checkpoints: signs audit chain heads',
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.archiver = new PacsFunction(this, 'Archiver', {
      handler: 'audit/handlers/archive-audit-records',
      description: 'Copies each new audit record from the audit table stream into the Object Lock archive',
      serviceName: 'pacscribe-audit',
      logEncryption: props.logEncryption,
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
      timeout: Duration.minutes(1),
    });
    applyBindings(this.archiver, AUDIT_ARCHIVER_BINDINGS, { auditArchive: this });

    this.denyTampering();
    this.denyForeignSigning();

    this.failedBatchesKey = new kms.Key(this, 'FailedBatchesKey', {
      description: 'PACScribe audit archive: failed stream batches',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.failedBatches = new sqs.Queue(this, 'FailedBatches', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.failedBatchesKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // Least privilege for the on-failure destination (SqsDlq would grant kms:ReEncrypt* and GenerateDataKey*).
    this.archiver.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RecordFailedBatches',
        actions: ['sqs:SendMessage'],
        resources: [this.failedBatches.queueArn],
      }),
    );
    this.archiver.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptFailedBatches',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.failedBatchesKey.keyArn],
      }),
    );

    this.archiver.function.addEventSource(
      new DynamoEventSource(props.table.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        parallelizationFactor: ARCHIVER_BATCHES_PER_SHARD,
        bisectBatchOnError: true,
        retryAttempts: 10,
        // Below the stream's 24-hour retention, so an unarchivable record is reported, not silently trimmed.
        maxRecordAge: Duration.hours(12),
        onFailure: { bind: () => ({ destination: this.failedBatches.queueArn }) },
      }),
    );

    Validations.of(this.archiver).acknowledge(
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          "Invoked by a DynamoDB stream mapping, never asynchronously: failed batches go to the mapping's on-failure destination (the encrypted FailedBatches queue), which a function DLQ cannot replace.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords and dynamodb:ListStreams (which Lambda calls to read the stream) support no resource-level permissions.',
      },
    );
    Validations.of(this.failedBatches).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter store of the archiver's stream mapping (on-failure destination); a queue behind it would receive nothing.",
    });
    Validations.of(this.bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'The archive is the write-once copy of the audit table, which is itself backed up daily and copied to the replica region [PP-12]; replicating an Object Lock bucket adds a third copy, not a recovery path.',
    });

    // Tamper evidence with a witness: the archiver logs every modify or remove the stream shows.
    const changed = new logs.MetricFilter(this, 'AuditRecordsChanged', {
      logGroup: this.archiver.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', AUDIT_RECORD_CHANGED),
      metricNamespace: 'PACScribe/Audit',
      metricName: 'AuditRecordsChanged',
      metricValue: '1',
      defaultValue: 0,
    });
    const alertsKey = new kms.Key(this, 'SecurityAlertsKey', {
      enableKeyRotation: true,
      description: 'Encrypts the security alerts topic',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch publishes the alarm to the encrypted topic as itself.
    alertsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.securityAlerts = new sns.Topic(this, 'SecurityAlerts', {
      displayName: 'PACScribe security alerts',
      masterKey: alertsKey,
      enforceSSL: true,
    });
    this.tamperAlarm = new cloudwatch.Alarm(this, 'AuditTamperAlarm', {
      alarmDescription:
        'An audit record was modified or removed (seen on the audit table stream). Audit records are append-only; investigate at once and run audit:verify.',
      metric: changed.metric({ statistic: 'Sum', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.tamperAlarm.addAlarmAction(new cloudwatchActions.SnsAction(this.securityAlerts));
  }

  /**
   * The key policy lets the account's IAM policies grant use (CDK's default); this Deny holds even against
   * a principal with kms:* on *: no one but the archiver can produce a checkpoint signature.
   */
  private denyForeignSigning(): void {
    this.checkpointKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenySigningByAnyoneButTheArchiver',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.archiver.role.roleArn } },
      }),
    );
  }

  /** Resource-policy guards that hold even against principals with broad IAM grants. */
  private denyTampering(): void {
    const everyone = new iam.AnyPrincipal();
    const objects = this.bucket.arnForObjects('*');
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyDeletingArchivedRecords',
        effect: iam.Effect.DENY,
        principals: [everyone],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [objects],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyOverwritingArchivedRecords',
        effect: iam.Effect.DENY,
        principals: [everyone],
        actions: ['s3:PutObject'],
        resources: [objects],
        // Without If-None-Match a put could stack a forged current version on a record.
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyWritesByAnyoneButTheArchiver',
        effect: iam.Effect.DENY,
        principals: [everyone],
        actions: ['s3:PutObject'],
        resources: [objects],
        // Otherwise a pre-planted key would make the archiver skip the real record as "already archived".
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.archiver.role.roleArn } },
      }),
    );
  }
}
