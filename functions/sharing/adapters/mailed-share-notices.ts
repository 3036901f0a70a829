import { transactionalMail } from '../../mail/core/html';
import type { Mailer } from '../../shared/mailer';
import type { ShareMail } from '../core/ports';

const utc = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;

/**
 * Share mail is transactional: the recipient asked for none of it but needs it to use the share. It names
 * the organization and the sender, never the patient or the study; the link's secret is in the first
 * mail only, the one-time code only in its own.
 */
export class MailedShareNotices implements ShareMail {
  constructor(private readonly mailer: Mailer) {}

  async shareCreated(
    to: string,
    notice: { link: string; organizationName: string; senderName: string; expiresAt: string },
  ): Promise<void> {
    await this.mailer.send(
      transactionalMail(to, `${notice.organizationName} shared medical images with you`, [
        `${notice.senderName} at ${notice.organizationName} shared medical images with you through PACScribe.`,
        `Open them at ${notice.link}`,
        'Before anything is shown, a one-time code is mailed to this address; the sender may also have given you a passcode.',
        `The link works until ${utc(notice.expiresAt)}. Do not forward it.`,
        '',
        'PACScribe',
      ]),
    );
  }

  async codeIssued(
    to: string,
    notice: { code: string; organizationName: string; validMinutes: number },
  ): Promise<void> {
    await this.mailer.send(
      transactionalMail(to, 'Your PACScribe code', [
        `Your code to open the images ${notice.organizationName} shared with you: ${notice.code}`,
        `It works once, for ${notice.validMinutes} minutes. If you did not ask for it, ignore this mail.`,
        '',
        'PACScribe',
      ]),
    );
  }
}
