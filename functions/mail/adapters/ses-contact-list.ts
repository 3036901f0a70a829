import {
  CreateContactCommand,
  NotFoundException,
  type SESv2Client,
  UpdateContactCommand,
} from '@aws-sdk/client-sesv2';
import { MARKETING_TOPIC } from '#schemas/mail/preferences';
import type { MarketingContactList } from '../core/ports';

/** The SES v2 contact list (PACScribe's own account): the marketing topic mirrors each choice. */
export class SesContactList implements MarketingContactList {
  constructor(
    private readonly client: SESv2Client,
    private readonly contactListName: string,
  ) {}

  async setTopicSubscription(email: string, subscribed: boolean): Promise<void> {
    const topicPreferences = [
      { TopicName: MARKETING_TOPIC, SubscriptionStatus: subscribed ? 'OPT_IN' : 'OPT_OUT' } as const,
    ];
    try {
      await this.client.send(
        new UpdateContactCommand({
          ContactListName: this.contactListName,
          EmailAddress: email,
          TopicPreferences: topicPreferences,
        }),
      );
    } catch (error) {
      if (!(error instanceof NotFoundException)) throw error;
      await this.client.send(
        new CreateContactCommand({
          ContactListName: this.contactListName,
          EmailAddress: email,
          TopicPreferences: topicPreferences,
        }),
      );
    }
  }
}
