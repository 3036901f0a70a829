import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { applyBindings, type BindingResources } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { acknowledgeWildcardResource } from '#infra/shared/nag-acknowledgements';
import { PacsFunction } from '#infra/shared/pacs-function';
import type { FunctionNetwork } from '#infra/shared/private-network';
import { SUPPORT_MAIL_INTAKE_BINDINGS } from '#schemas/support/env';
import type { InboundMailRef } from './bindings';

export interface SupportMailIntakeProps {
  /** Mail to this address opens tickets (the domain's MX must point at SES receiving). */
  supportAddress: string;
  inboundMail: InboundMailRef;
  resources: BindingResources;
  logEncryption: LogEncryption;
  /** The private network (PHI), or ISOLATION_OFF. */
  network: FunctionNetwork;
  reservedConcurrency: number;
}

/**
 * Tickets by mail [PP-05]: an SES receipt rule stores mail to the support address in the inbound bucket
 * (SSE-KMS), then invokes the filing function, which opens a ticket for a member's mail and nothing for
 * anyone else's, nor for mail SES's spam, virus, SPF or DKIM verdicts failed (the function checks them;
 * the receipt rule set's own spam filter would add an unencrypted-log Lambda of CDK's). The rule set must be made the active one once per account (CloudFormation cannot).
 */
export class SupportMailIntake extends Construct {
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly filer: PacsFunction;
  /** Mail events the filer could not handle after Lambda's retries: kept, not lost, for 14 days. */
  readonly failedMail: sqs.Queue;

  constructor(scope: Construct, id: string, props: SupportMailIntakeProps) {
    super(scope, id);
    this.filer = new PacsFunction(this, 'Filer', {
      handler: 'support/handlers/file-mailed-request',
      description: 'Files mail to the support address as a ticket of the sender’s organization',
      serviceName: 'pacscribe-support',
      logEncryption: props.logEncryption,
      network: props.network,
      vendorLibraries: true,
      reservedConcurrency: props.reservedConcurrency,
      timeout: Duration.seconds(30),
    });
    applyBindings(this.filer, SUPPORT_MAIL_INTAKE_BINDINGS, props.resources);
    acknowledgeWildcardResource(
      this.filer,
      props.inboundMail.bucket.arnForObjects(`${props.inboundMail.prefix}*`),
      'Each mail is stored under its SES message id, known only when it arrives; GetObject under the inbound prefix is all the filer may do.',
    );

    const failedMailKey = new kms.Key(this, 'FailedMailKey', {
      description: 'PACScribe support mail intake: failed events',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.failedMail = new sqs.Queue(this, 'FailedMail', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: failedMailKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // The function's dead-letter queue, with only what sending to it needs (no kms:ReEncrypt*).
    (this.filer.function.node.defaultChild as lambda.CfnFunction).deadLetterConfig = {
      targetArn: this.failedMail.queueArn,
    };
    this.filer.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RecordFailedMail',
        actions: ['sqs:SendMessage'],
        resources: [this.failedMail.queueArn],
      }),
    );
    this.filer.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RecordFailedMailKey',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [failedMailKey.keyArn],
      }),
    );
    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet');
    this.ruleSet.addRule('SupportRequests', {
      recipients: [props.supportAddress],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [
        new actions.S3({ bucket: props.inboundMail.bucket, objectKeyPrefix: props.inboundMail.prefix }),
        new actions.Lambda({
          function: this.filer.function,
          invocationType: actions.LambdaInvocationType.EVENT,
        }),
      ],
    });
  }
}
