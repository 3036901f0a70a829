import { CONSOLE_PATH } from '#schemas/console/console-config';
import type { SignupMail } from '../../accounts/core/ports';
import type { Mailer, OutgoingMail } from '../../shared/mailer';
import { transactionalMail } from './html';

/**
 * Sign-up mails go to an address nobody has proven yet, so they carry only PACScribe's own text: never
 * the names or organization the requester typed (that would let anyone send their words to anyone).
 */
const transactional = transactionalMail;

export function composeVerificationCodeMail(email: string, code: string, expiresAt: Date): OutgoingMail {
  return transactional(email, 'Your PACScribe verification code', [
    'Someone asked to create a PACScribe account with this email address.',
    'If it was you, enter this code to confirm the address and choose your password:',
    '',
    `Verification code: ${code}`,
    `It expires on ${expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
    '',
    'If it was not you, ignore this message: no account is created without the code.',
    '',
    'PACScribe',
  ]);
}

export function composeExistingAccountNotice(email: string, appBaseUrl: string): OutgoingMail {
  const signInUrl = new URL(CONSOLE_PATH, appBaseUrl).toString();
  return transactional(email, 'Sign-up attempt with your PACScribe address', [
    'Someone asked to create a new PACScribe account with this email address, which already has one.',
    'Nothing was changed and no new account was created.',
    '',
    `If it was you, sign in at ${signInUrl} instead.`,
    'If it was not you, you need not do anything.',
    '',
    'PACScribe',
  ]);
}

export class MailedSignupMessages implements SignupMail {
  constructor(
    private readonly mailer: Mailer,
    private readonly appBaseUrl: string,
  ) {}

  async sendVerificationCode(email: string, code: string, expiresAt: Date): Promise<void> {
    await this.mailer.send(composeVerificationCodeMail(email, code, expiresAt));
  }

  async sendExistingAccountNotice(email: string): Promise<void> {
    await this.mailer.send(composeExistingAccountNotice(email, this.appBaseUrl));
  }
}
