import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppConfig } from '#infra/shared/app-config';
import { MailSending } from './mail-sending';

/** Stateful: the verified sending identity and its configuration set (verification is slow to redo). */
export class MailStack extends Stack {
  readonly sending: MailSending;

  constructor(scope: Construct, id: string, props: StackProps & { config: AppConfig }) {
    super(scope, id, props);
    this.sending = new MailSending(this, 'Sending', { fromAddress: props.config.mailFromAddress });
  }
}
