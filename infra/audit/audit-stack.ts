import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DataStack } from '#infra/data/data-stack';
import { replicaImagingBucketName } from '#infra/data/replica-stack';
import type { AppConfig } from '#infra/shared/app-config';
import { LogEncryption } from '#infra/shared/log-encryption';
import { AuditArchive } from './audit-archive';
import { AuditTrail } from './audit-trail';

/**
 * Stateful: the account's CloudTrail and its write-once log bucket, and the write-once archive of the
 * application's audit records. It depends on the Data stack (table, stream, buckets), never the reverse.
 */
export class AuditStack extends Stack {
  readonly trail: AuditTrail;
  readonly archive: AuditArchive;
  readonly logEncryption: LogEncryption;

  constructor(scope: Construct, id: string, props: StackProps & { config: AppConfig; data: DataStack }) {
    super(scope, id, props);
    const { config, data } = props;
    // The replica bucket by its fixed name: no dependency on the replica region's stack.
    const replicaBucketArn = this.formatArn({
      service: 's3',
      region: '',
      account: '',
      resource: replicaImagingBucketName(config),
    });
    this.trail = new AuditTrail(this, 'Trail', {
      trailName: `pacscribe-${config.stage}`,
      // Exports too: every download of a part is an S3 GET, recorded as a data event beside its audit record.
      dataBucketArns: [data.imaging.bucket.bucketArn, replicaBucketArn, data.exports.store.bucket.bucketArn],
      // Every table: the imaging index holds PHI (patient names and ids) as much as the bucket does.
      dataTables: data.tables.recordedInTrail.map((defined) => defined.table),
      retention: Duration.days(config.auditRetentionDays),
      objectLockMode: config.stage === 'prod' ? 'COMPLIANCE' : 'GOVERNANCE',
    });

    this.logEncryption = new LogEncryption(this, 'LogEncryption', {
      description: 'PACScribe audit archiver logs',
    });
    this.archive = new AuditArchive(this, 'Archive', {
      table: data.tables.audit,
      retention: Duration.days(config.auditArchiveRetentionDays),
      accessLogsBucket: this.trail.accessLogsBucket,
      logEncryption: this.logEncryption,
      network: data.functionNetwork,
      reservedConcurrency: config.lambdaReservedConcurrency,
    });
    this.trail.addDataBucket(this.archive.bucket.bucketArn);

    // Named in docs/audit-queries.md: what a reviewer points Athena at.
    new CfnOutput(this, 'AuditArchiveBucketName', {
      description:
        'Object Lock archive of audit records (audit/org=<orgId>/chain=<cc>/seq=<seq>.json) and signed checkpoints (checkpoints/…)',
      value: this.archive.bucket.bucketName,
    });
    // audit:verify --checkpoint-key: the public half verifies the archiver's signed chain heads.
    new CfnOutput(this, 'AuditCheckpointKeyArn', {
      description:
        'KMS key (ECC_NIST_P256) whose signatures are the checkpoints under checkpoints/ in the archive',
      value: this.archive.checkpointKey.keyArn,
    });
    new CfnOutput(this, 'TrailBucketName', {
      description: 'CloudTrail log files: AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/',
      value: this.trail.bucket.bucketName,
    });
  }
}
