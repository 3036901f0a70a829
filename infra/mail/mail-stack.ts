import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from '#infra/shared/app-config';
import { MailSending } from './mail-sending';
import { MarketingLists } from './marketing-lists';

/**
 * Stateful: the verified sending identity and its configuration set (verification is slow to redo), the
 * marketing contact list and the delivery-event topic.
 */
export class MailStack extends Stack {
  readonly sending: MailSending;
  readonly marketing: MarketingLists;

  constructor(scope: Construct, id: string, props: StackProps & { config: AppConfig }) {
    super(scope, id, props);
    this.sending = new MailSending(this, 'Sending', { fromAddress: props.config.mailFromAddress });
    this.marketing = new MarketingLists(this, 'Marketing', {
      stage: props.config.stage,
      configurationSet: this.sending.configurationSet,
    });
  }
}
