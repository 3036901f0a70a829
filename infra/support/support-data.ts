import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BUCKET_BASELINE } from '#infra/shared/bucket-baseline';
import type { InboundMailRef } from './bindings';

/** Raw inbound mail is kept this long after filing (the ticket itself lives in the support table). */
const RAW_INBOUND_MAIL_RETENTION = Duration.days(30);
export const INBOUND_MAIL_PREFIX = 'inbound/';

/**
 * The support context's stateful pieces beside its table: the key that seals ticket contents (envelope
 * encryption through the AWS Encryption SDK) [PP-05], and the bucket SES receiving writes support mail to.
 */
export class SupportData extends Construct {
  readonly messageKey: kms.Key;
  readonly inboundMail: InboundMailRef & { bucket: s3.Bucket; encryptionKey: kms.Key };

  constructor(scope: Construct, id: string, props: { accessLogsBucket: s3.IBucket }) {
    super(scope, id);
    const stack = Stack.of(this);
    this.messageKey = new kms.Key(this, 'MessageKey', {
      description: 'PACScribe support ticket contents (envelope encryption)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const inboundKey = new kms.Key(this, 'InboundMailKey', {
      description: 'PACScribe inbound support mail',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // SES writes received mail under the bucket's default SSE-KMS key, for this account only.
    inboundKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesReceivingEncrypts',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Encrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    const bucket = new s3.Bucket(this, 'InboundMail', {
      ...BUCKET_BASELINE,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: inboundKey,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'support-inbound-mail/',
      lifecycleRules: [
        {
          id: 'ExpireRawInboundMail',
          expiration: RAW_INBOUND_MAIL_RETENTION,
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesReceivingWrites',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${INBOUND_MAIL_PREFIX}*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    Validations.of(bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'Raw inbound mail is transient (30 days): the filer copies each request into the support table, whose point-in-time recovery and backups (copied to the replica region) are the durable record.',
    });
    this.inboundMail = { bucket, encryptionKey: inboundKey, prefix: INBOUND_MAIL_PREFIX };
  }
}
