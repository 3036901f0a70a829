import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AccessLogsBucket } from '#infra/shared/access-logs-bucket';
import { BUCKET_BASELINE } from '#infra/shared/bucket-baseline';
import { UPLOAD_STAGING_PREFIX } from '#schemas/imaging/upload-session';

export interface ImagingStoreProps {
  /** The replica bucket and key, by reference (see the constructor for why not the objects). */
  replica: { bucketName: string; keyArn: string; region: string; account: string };
  /** Browser origins allowed to PUT upload-session parts with their presigned URLs. */
  uploadCorsOrigins: readonly string[];
}

/**
 * Staged uploads are a quarantine: deleted by the ingest when done, and whatever a client or a failed
 * ingest leaves behind (parts, objects, their noncurrent versions) is gone after a day.
 */
const STAGED_UPLOAD_LIFETIME = Duration.days(1);

/**
 * A deleted study's objects stay recoverable by PACScribe (noncurrent versions) for this long, in both
 * regions, and are then gone; stored objects are never overwritten, so only deletion makes versions.
 */
const DELETED_INSTANCE_RETENTION = Duration.days(30);

/** Expire what study deletion leaves behind, in the imaging bucket and its replica alike. */
export function deletedInstanceLifecycleRules(): s3.LifecycleRule[] {
  return [
    { id: 'ExpireDeletedInstances', noncurrentVersionExpiration: DELETED_INSTANCE_RETENTION },
    { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
  ];
}

/** Lifecycle rules for the staging prefix, shared by the imaging bucket and its replica. */
export function stagedUploadLifecycleRules(): s3.LifecycleRule[] {
  return [
    {
      id: 'ExpireStagedUploads',
      prefix: UPLOAD_STAGING_PREFIX,
      abortIncompleteMultipartUploadAfter: STAGED_UPLOAD_LIFETIME,
      expiration: STAGED_UPLOAD_LIFETIME,
      noncurrentVersionExpiration: STAGED_UPLOAD_LIFETIME,
    },
    // S3 takes no delete-marker cleanup in a rule that also expires by age.
    { id: 'RemoveStagedDeleteMarkers', prefix: UPLOAD_STAGING_PREFIX, expiredObjectDeleteMarker: true },
  ];
}

/**
 * The imaging bucket: SSE-KMS with a bucket key, versioned, TLS 1.2+ only, access-logged, and
 * replicated to the second US region under the replica's key [PP-12].
 */
export class ImagingStore extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ImagingStoreProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'PACScribe imaging objects',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.accessLogsBucket = new AccessLogsBucket(this, 'AccessLogs', {
      retention: Duration.days(365),
    }).bucket;

    // Imported references, not the replica stack's objects: handing over the objects makes CDK add
    // the replication role to the replica's policies, and the two stacks then depend on each other.
    const stack = Stack.of(this);
    const destinationArn = stack.formatArn({
      service: 's3',
      region: '',
      account: '',
      resource: props.replica.bucketName,
    });
    const destination = s3.Bucket.fromBucketAttributes(this, 'ReplicaBucketRef', {
      bucketName: props.replica.bucketName,
      bucketArn: destinationArn,
      region: props.replica.region,
      account: props.replica.account,
    });
    const destinationKey = kms.Key.fromKeyArn(this, 'ReplicaKeyRef', props.replica.keyArn);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...BUCKET_BASELINE,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'imaging/',
      lifecycleRules: [
        { id: 'AbortStalledUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ...stagedUploadLifecycleRules(),
        ...deletedInstanceLifecycleRules(),
      ],
      // Browsers PUT upload-session parts straight to S3; reading the ETag header needs it exposed.
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT],
          allowedOrigins: [...props.uploadCorsOrigins],
          allowedHeaders: ['Content-Type'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
      replicationRules: [
        {
          id: 'ImagingToReplicaRegion',
          destination,
          kmsKey: destinationKey,
          sseKmsEncryptedObjects: true,
          deleteMarkerReplication: true,
          priority: 1,
        },
      ],
    });

    const replicationRole = this.bucket.node.findChild('ReplicationRole');
    const bucketLogicalId = stack.resolve(stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket));
    Validations.of(replicationRole).acknowledge(
      {
        id: 'HIPAA.Security-IAMNoInlinePolicy',
        reason: 'Generated by S3 replication for this one bucket pair; used by no other principal.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
        reason:
          'Replication reads every object (all versions) of the source bucket; the grant is that bucket only.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${destinationArn}/*]`,
        reason: 'Replication writes every object into the replica bucket; the grant is that bucket only.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: 'S3 replication re-encrypts objects under the replica key; the grant is limited to that key.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason: 'S3 replication re-encrypts objects under the replica key; the grant is limited to that key.',
      },
    );
  }
}
