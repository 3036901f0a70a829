import type { OutgoingMail } from '../../shared/mailer';

/** Escapes text for HTML mail bodies; names and organization names are user input. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** A transactional mail of plain lines: the text as written, the HTML one paragraph per line. */
export function transactionalMail(to: string, subject: string, lines: readonly string[]): OutgoingMail {
  return {
    to,
    subject,
    text: lines.join('\n'),
    html: lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n'),
    category: 'transactional',
  };
}
