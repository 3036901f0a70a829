import { escapeHtml } from '../../mail/core/html';
import type { OutgoingMail } from '../../shared/mailer';
import type { NoticeRecipient, PolicyDocument } from './ports';

/** The notice of a material update: transactional, so it reaches members who opted out of marketing. */
export function policyNoticeMail(
  recipient: NoticeRecipient,
  document: PolicyDocument,
  appBaseUrl: string,
): OutgoingMail {
  const url = `${appBaseUrl}/v1/privacy-policy/versions/${document.version}`;
  const lines = [
    `Hello ${recipient.name},`,
    `We have updated the PACScribe privacy policy (version ${document.version}, last updated ${document.lastUpdated}).`,
    `What changed: ${document.summary}`,
    `It takes effect on ${document.effectiveDate}. Continuing to use PACScribe after that date means you accept it.`,
    `Read it here: ${url}`,
  ];
  return {
    to: recipient.email,
    subject: `PACScribe privacy policy updated (version ${document.version})`,
    text: lines.join('\n\n'),
    html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join(''),
    category: 'transactional',
  };
}
