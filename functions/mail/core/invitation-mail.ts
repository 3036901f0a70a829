import { CONSOLE_PATH } from '#schemas/console/console-config';
import type { Invitation, InvitationSender } from '../../accounts/core/ports';
import type { Mailer, OutgoingMail } from '../../shared/mailer';
import { escapeHtml } from './html';

/** The invitation to a new login: transactional mail with a temporary password and its expiry. */
export function composeInvitationMail(invitation: Invitation, appBaseUrl: string): OutgoingMail {
  const signInUrl = new URL(CONSOLE_PATH, appBaseUrl).toString();
  const lines = [
    `Hello ${invitation.name},`,
    '',
    `An administrator of "${invitation.organizationName}" created a PACScribe login for you.`,
    `Sign in at ${signInUrl} with this email address and the temporary password below.`,
    'You will be asked to choose your own password and to set up multi-factor authentication.',
    '',
    `Temporary password: ${invitation.temporaryPassword}`,
    `It expires on ${invitation.expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
    '',
    'If you did not expect this, ignore this message; the login stays unused.',
    '',
    'PACScribe',
  ];
  return {
    to: invitation.email,
    subject: `Your PACScribe login for ${invitation.organizationName}`,
    text: lines.join('\n'),
    html: lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n'),
    category: 'transactional',
  };
}

export class MailedInvitations implements InvitationSender {
  constructor(
    private readonly mailer: Mailer,
    private readonly appBaseUrl: string,
  ) {}

  async send(invitation: Invitation): Promise<void> {
    await this.mailer.send(composeInvitationMail(invitation, this.appBaseUrl));
  }
}
