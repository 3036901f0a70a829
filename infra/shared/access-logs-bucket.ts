import { Duration, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BUCKET_BASELINE } from './bucket-baseline';

/** Target of S3 server access logs for the buckets of one stack. */
export class AccessLogsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { retention: Duration }) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...BUCKET_BASELINE,
      // S3 server access logging can only deliver to SSE-S3 buckets; SSE-KMS targets are rejected.
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ expiration: props.retention, noncurrentVersionExpiration: Duration.days(30) }],
    });
    Validations.of(this.bucket).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'S3 server access logs can only be delivered to a bucket encrypted with SSE-S3 (AES-256), not SSE-KMS.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          'Access logs are operational records about this region; the data they describe is what is replicated.',
      },
    );
  }
}
