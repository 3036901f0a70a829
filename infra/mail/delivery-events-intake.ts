import { Duration, Validations } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { applyBindings, type BindingResources } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction } from '#infra/shared/pacs-function';
import type { FunctionNetwork } from '#infra/shared/private-network';
import { DELIVERY_EVENTS_BINDINGS, DELIVERY_EVENTS_HANDLER } from '#schemas/mail/env';

/**
 * SES bounces and complaints (configuration set → SNS topic) → the function that suppresses the
 * address for marketing. Deliveries SNS could not make after its retries land in an encrypted queue.
 */
export class DeliveryEventsIntake extends Construct {
  readonly recorder: PacsFunction;
  readonly deadLetters: sqs.Queue;

  constructor(
    scope: Construct,
    id: string,
    props: {
      topic: sns.ITopic;
      resources: Pick<BindingResources, 'accountsTable' | 'mailTable'>;
      logEncryption: LogEncryption;
      /** The private network (PHI), or ISOLATION_OFF. */
      network: FunctionNetwork;
      reservedConcurrency: number;
    },
  ) {
    super(scope, id);
    this.recorder = new PacsFunction(this, 'Record', {
      handler: DELIVERY_EVENTS_HANDLER,
      description: 'Suppresses addresses SES reports as bouncing permanently or complaining',
      serviceName: 'pacscribe-mail',
      logEncryption: props.logEncryption,
      network: props.network,
      reservedConcurrency: props.reservedConcurrency,
      timeout: Duration.seconds(30),
    });
    applyBindings(this.recorder, DELIVERY_EVENTS_BINDINGS, props.resources);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    props.topic.addSubscription(
      new subscriptions.LambdaSubscription(this.recorder.function, { deadLetterQueue: this.deadLetters }),
    );
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the delivery-event subscription.',
    });
    Validations.of(this.recorder).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'SNS invokes it asynchronously and keeps what it could not deliver in the subscription’s dead-letter queue (DeadLetters).',
    });
  }
}
