/**
 * Transactional mail (account, billing, security and service notices) cannot be opted out of while
 * an account is active [PP-22]; marketing mail is a separate category with its own consent path.
 */
export type MailCategory = 'transactional' | 'marketing';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  category: MailCategory;
  /** Extra headers: marketing mail carries RFC 8058 List-Unsubscribe and List-Unsubscribe-Post. */
  headers?: readonly { name: string; value: string }[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}
