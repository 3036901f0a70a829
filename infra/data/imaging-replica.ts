import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AccessLogsBucket } from '#infra/shared/access-logs-bucket';
import { BUCKET_BASELINE } from '#infra/shared/bucket-baseline';
import { deletedInstanceLifecycleRules, stagedUploadLifecycleRules } from './imaging-store';

/** The disaster-recovery copy of the imaging bucket in the second US region [PP-12], on its own key. */
export class ImagingReplica extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;

  /**
   * @param bucketName fixed, so the primary region can name the destination without a cross-region
   *   token (readable IAM, readable CloudTrail selectors).
   */
  constructor(scope: Construct, id: string, props: { bucketName: string }) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'PACScribe imaging replica',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', { retention: Duration.days(365) });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...BUCKET_BASELINE,
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: accessLogs.bucket,
      serverAccessLogsPrefix: 'imaging-replica/',
      // Replication copies staged uploads too; the copies expire as the originals do.
      lifecycleRules: [...stagedUploadLifecycleRules(), ...deletedInstanceLifecycleRules()],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'This bucket is itself the cross-region replica of the imaging bucket [PP-12]; chaining a third copy adds no recovery capability.',
    });
  }
}
