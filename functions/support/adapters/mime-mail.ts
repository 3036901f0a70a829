import type { ReceivedMail } from '../core/mail-intake';

/** Raw mail larger than this is not read (SES receiving itself stops at 40 MB; a request is text). */
export const MAX_INBOUND_MAIL_BYTES = 1024 * 1024;

/** Parses raw RFC 5322 mail (postal-mime) into what mail intake reads; null when it cannot be read. */
export async function parseReceivedMail(
  mailId: string,
  raw: Buffer,
  verdicts: ReceivedMail['verdicts'],
): Promise<ReceivedMail | null> {
  if (raw.length > MAX_INBOUND_MAIL_BYTES) return null;
  // From the vendor layer, loaded on the first mail (infra/shared/vendor-layer-packages.ts).
  const { default: PostalMime } = await import('postal-mime');
  const email = await PostalMime.parse(raw);
  const from = email.from?.address;
  if (!from) return null;
  return { mailId, from, subject: email.subject ?? '', text: email.text ?? '', verdicts };
}
