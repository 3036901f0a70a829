import { createHash } from 'node:crypto';
import type { Member } from '#schemas/accounts/entities';
import type { OutgoingMail } from '../../shared/mailer';
import { escapeHtml } from './html';

/**
 * Marketing templates: plain text and HTML from the same lines, with `{{name}}` for the recipient's
 * name. Each carries the one-click unsubscribe (RFC 8058 headers and a visible link) [PP-03].
 */
export interface MarketingTemplate {
  name: string;
  subject: string;
  lines: readonly string[];
}

export const MARKETING_TEMPLATES: Readonly<Record<string, MarketingTemplate>> = {
  'product-update': {
    name: 'product-update',
    subject: "What's new in PACScribe",
    lines: [
      'Hello {{name}},',
      '',
      'PACScribe now streams multi-frame studies faster and shows report history side by side.',
      'Sign in to try it; nothing changes in how your data is kept.',
      '',
      'PACScribe',
    ],
  },
  'webinar-invitation': {
    name: 'webinar-invitation',
    subject: 'Join a PACScribe reading-room webinar',
    lines: [
      'Hello {{name}},',
      '',
      'We are holding a short webinar on structured reporting workflows in PACScribe.',
      'Reply to this mail if you would like a seat.',
      '',
      'PACScribe',
    ],
  },
};

/** Identifies one exact content of a template: a dry run counts for that content only. */
export function templateHash(template: MarketingTemplate): string {
  return createHash('sha256')
    .update(JSON.stringify([template.name, template.subject, template.lines]))
    .digest('hex')
    .slice(0, 32);
}

export function composeMarketingMail(
  template: MarketingTemplate,
  member: Pick<Member, 'email' | 'name'>,
  unsubscribeUrl: string,
): OutgoingMail {
  const lines = template.lines.map((line) => line.replaceAll('{{name}}', member.name));
  const footer = [
    '',
    'You receive this because you opted in to PACScribe product news.',
    `Unsubscribe with one click: ${unsubscribeUrl}`,
    'Or change your choice in your account settings. Account, billing and security mail continue either way.',
  ];
  return {
    to: member.email,
    subject: template.subject,
    text: [...lines, ...footer].join('\n'),
    html: [
      ...lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')),
      '<hr>',
      `<p>${escapeHtml(footer[1] ?? '')}</p>`,
      `<p><a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe with one click</a>. ${escapeHtml(footer[3] ?? '')}</p>`,
    ].join('\n'),
    category: 'marketing',
    headers: [
      { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
  };
}
