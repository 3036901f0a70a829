import type { Member, Organization } from '#schemas/accounts/entities';
import { CONSOLE_PATH } from '#schemas/console/console-config';
import type { WelcomeMailInput, WelcomeMailResult } from '#schemas/mail/welcome-mail';
import type { AccountsRepository } from '../../accounts/core/ports';
import { NotFoundError } from '../../shared/errors';
import type { Mailer, OutgoingMail } from '../../shared/mailer';
import type { Clock } from '../../shared/ports';
import { escapeHtml } from './html';

export interface WelcomeMailDeps {
  accounts: Pick<AccountsRepository, 'getMember' | 'getOrganization' | 'markWelcomed'>;
  mailer: Mailer;
  clock: Clock;
  appBaseUrl: string;
}

export function composeWelcomeMail(
  member: Member,
  organization: Organization,
  appBaseUrl: string,
): OutgoingMail {
  const signInUrl = new URL(CONSOLE_PATH, appBaseUrl).toString();
  const lines = [
    `Hello ${member.name},`,
    '',
    `Your PACScribe organization "${organization.name}" is ready and you are its administrator.`,
    `Sign in at ${signInUrl} with this email address. You will be asked to set up multi-factor authentication.`,
    '',
    'We will send you important account mail such as billing receipts, security updates and service notices.',
    'If you did not create this account, reply to this message and we will close it.',
    '',
    'PACScribe',
  ];
  return {
    to: member.email,
    subject: 'Welcome to PACScribe',
    text: lines.join('\n'),
    html: lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n'),
    category: 'transactional',
  };
}

/** Sends the welcome mail once per member; a retried workflow step finds it already sent. */
export async function sendWelcomeMail(
  deps: WelcomeMailDeps,
  input: WelcomeMailInput,
): Promise<WelcomeMailResult> {
  const [member, organization] = await Promise.all([
    deps.accounts.getMember(input.userId),
    deps.accounts.getOrganization(input.orgId),
  ]);
  if (!member || !organization || member.orgId !== organization.orgId) {
    throw new NotFoundError('member or organization not found');
  }
  if (member.welcomedAt) return { status: 'already-sent' };
  await deps.mailer.send(composeWelcomeMail(member, organization, deps.appBaseUrl));
  await deps.accounts.markWelcomed(member.userId, deps.clock.now());
  return { status: 'sent' };
}
