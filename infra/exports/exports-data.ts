import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BUCKET_BASELINE } from '#infra/shared/bucket-baseline';
import type { ObjectStoreRef } from '#infra/shared/pacs-function';
import { EXPORT_RETENTION_DAYS } from '#schemas/exports/exports';

/**
 * The exports bucket [PP-14]: the archives an organization downloads, and the workflow's plan objects,
 * on their own customer-managed key. Everything in it is deleted 7 days after it was written (and a
 * cancelled or failed export deletes its own parts at once); unfinished multipart uploads go after a day.
 */
export class ExportsData extends Construct {
  readonly store: ObjectStoreRef & { bucket: s3.Bucket; encryptionKey: kms.Key };

  constructor(scope: Construct, id: string, props: { accessLogsBucket: s3.IBucket }) {
    super(scope, id);
    const encryptionKey = new kms.Key(this, 'Key', {
      description: 'PACScribe organization exports',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new s3.Bucket(this, 'Bucket', {
      ...BUCKET_BASELINE,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'exports/',
      lifecycleRules: [
        {
          id: 'DeleteExportsAfterRetention',
          expiration: Duration.days(EXPORT_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // The delete markers expiry leaves behind, once no version is left under them.
        { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
      ],
    });
    Validations.of(bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'Exports are copies made on request and deleted after 7 days; the data they copy is replicated and backed up where it lives (imaging bucket, tables). A lost export is made again with one request.',
    });
    this.store = { bucket, encryptionKey };
  }
}
