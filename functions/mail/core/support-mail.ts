import type { Mailer } from '../../shared/mailer';
import type { GrantNotice, SupportNotifications } from '../../support/core/ports';
import { transactionalMail } from './html';

const utc = (iso: string | null) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : 'when approved');

const transactional = transactionalMail;

/**
 * Support mail is transactional [PP-02]. It names tickets by id and says where to read them: what was
 * written stays in PACScribe's encrypted store, not in mailboxes [PP-05].
 */
export class MailedSupportNotifications implements SupportNotifications {
  constructor(
    private readonly mailer: Mailer,
    private readonly appBaseUrl: string,
  ) {}

  private link(path: string) {
    return new URL(path, this.appBaseUrl).toString();
  }

  async ticketAnswered(to: string, ticketId: string): Promise<void> {
    await this.mailer.send(
      transactional(to, 'PACScribe support answered your request', [
        `PACScribe support answered your request ${ticketId}.`,
        `Read the answer at ${this.link(`/console/support/${ticketId}`)}.`,
        '',
        'PACScribe',
      ]),
    );
  }

  async ticketReceived(to: string, ticketId: string): Promise<void> {
    await this.mailer.send(
      transactional(to, 'PACScribe support received your request', [
        `We filed your mail as support request ${ticketId}.`,
        `Follow it at ${this.link(`/console/support/${ticketId}`)}.`,
        '',
        'PACScribe',
      ]),
    );
  }

  async grantStarted(to: string, { organizationName, staffName, grant }: GrantNotice): Promise<void> {
    await this.mailer.send(
      transactional(to, `PACScribe support access to ${organizationName} started`, [
        `${staffName} (PACScribe support) can now view ${organizationName}'s account, read-only, for request ${grant.ticketId}.`,
        `Reason given: ${grant.reason}`,
        `Access ends at ${utc(grant.expiresAt)}.`,
        `Every view is logged; see it, or end the access now, at ${this.link('/console/support-access')}.`,
        '',
        'PACScribe',
      ]),
    );
  }

  async grantAwaitingApproval(
    to: string,
    { organizationName, staffName, grant }: GrantNotice,
  ): Promise<void> {
    await this.mailer.send(
      transactional(to, `PACScribe support asks to view ${organizationName}`, [
        `${staffName} (PACScribe support) asks for read-only access to ${organizationName}'s account for request ${grant.ticketId}, for ${grant.durationMinutes} minutes.`,
        `Reason given: ${grant.reason}`,
        `Nothing can be viewed until an administrator approves at ${this.link('/console/support-access')}.`,
        '',
        'PACScribe',
      ]),
    );
  }
}
