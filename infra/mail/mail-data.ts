import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AUDIENCE_PREFIX } from '#functions/mail/adapters/s3-audience-export';
import { BUCKET_BASELINE } from '#infra/shared/bucket-baseline';
import type { AudienceExportRef } from './bindings';

/**
 * The mail context's stateful pieces beside its table: PACScribe's own marketing audience export (a
 * bucket in PACScribe's account that staff tools read; no other party receives it [PP-04]) and the
 * secret that signs one-click unsubscribe links.
 */
export class MailData extends Construct {
  readonly audience: AudienceExportRef & { bucket: s3.Bucket; encryptionKey: kms.Key };
  readonly unsubscribeSecret: secretsmanager.Secret;
  readonly secretKey: kms.Key;

  constructor(scope: Construct, id: string, props: { accessLogsBucket: s3.IBucket }) {
    super(scope, id);
    const audienceKey = new kms.Key(this, 'AudienceKey', {
      description: 'PACScribe marketing audience export',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new s3.Bucket(this, 'Audience', {
      ...BUCKET_BASELINE,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: audienceKey,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'marketing-audience/',
      // An opt-out deletes the person's entry; the older version (with the address) goes a day later.
      lifecycleRules: [{ id: 'ForgetOptedOutEntries', noncurrentVersionExpiration: Duration.days(1) }],
    });
    Validations.of(bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'The audience export is derived data: the workflow rebuilds each entry from the preference record in the mail table, whose point-in-time recovery and backups (copied to the replica region) are the durable record.',
    });
    this.audience = { bucket, encryptionKey: audienceKey, prefix: AUDIENCE_PREFIX };

    this.secretKey = new kms.Key(this, 'UnsubscribeSecretKey', {
      description: 'PACScribe unsubscribe-link signing secret',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.unsubscribeSecret = new secretsmanager.Secret(this, 'UnsubscribeSecret', {
      description: 'HMAC key of one-click unsubscribe links (RFC 8058)',
      encryptionKey: this.secretKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.unsubscribeSecret).acknowledge(
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating the link key would break every unsubscribe link already mailed (they stay valid a year, and people unsubscribe from old mail); a leaked key can only unsubscribe people, never read or send anything.',
      },
      {
        id: 'HIPAA.Security-SecretsManagerRotationEnabled',
        reason:
          'Rotating the link key would break every unsubscribe link already mailed (they stay valid a year); a leaked key can only unsubscribe people, never read or send anything.',
      },
    );
  }
}
