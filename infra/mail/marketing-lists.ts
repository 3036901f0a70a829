import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MARKETING_TOPIC } from '#schemas/mail/preferences';
import type { ContactListRef } from './bindings';

/**
 * SES v2 pieces of marketing mail in PACScribe's own account: the contact list whose marketing topic
 * mirrors each person's choice, and the delivery-event topic (bounces and complaints from the
 * configuration set) that the suppression handler reads. The topic has no subscriber outside PACScribe
 * [PP-04].
 */
export class MarketingLists extends Construct implements ContactListRef {
  readonly contactList: ses.CfnContactList;
  readonly contactListName: string;
  readonly contactListArn: string;
  readonly deliveryEvents: sns.Topic;
  readonly deliveryEventsKey: kms.Key;

  constructor(
    scope: Construct,
    id: string,
    props: { stage: string; configurationSet: ses.IConfigurationSet },
  ) {
    super(scope, id);
    const stack = Stack.of(this);
    this.contactListName = `pacscribe-${props.stage}-marketing`;
    this.contactList = new ses.CfnContactList(this, 'ContactList', {
      contactListName: this.contactListName,
      description: 'PACScribe marketing: one topic, mirrored from each person’s preference record',
      topics: [
        {
          topicName: MARKETING_TOPIC,
          displayName: 'PACScribe product news',
          description: 'Product news for providers and facility administrators who opted in',
          defaultSubscriptionStatus: 'OPT_OUT',
        },
      ],
    });
    this.contactListArn = stack.formatArn({
      service: 'ses',
      resource: 'contact-list',
      resourceName: this.contactListName,
    });

    this.deliveryEventsKey = new kms.Key(this, 'DeliveryEventsKey', {
      description: 'PACScribe SES delivery events (bounces, complaints)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // SES publishes to the encrypted topic, for this account's configuration set only.
    this.deliveryEventsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesPublishesDeliveryEvents',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.deliveryEvents = new sns.Topic(this, 'DeliveryEvents', {
      displayName: 'PACScribe SES bounces and complaints',
      masterKey: this.deliveryEventsKey,
      enforceSSL: true,
    });
    new ses.ConfigurationSetEventDestination(this, 'BouncesAndComplaints', {
      configurationSet: props.configurationSet,
      destination: ses.EventDestination.snsTopic(this.deliveryEvents),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
  }
}
