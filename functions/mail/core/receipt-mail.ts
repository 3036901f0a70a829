import type { OutgoingMail } from '../../shared/mailer';
import { escapeHtml } from './html';

export interface PaidInvoice {
  invoiceId: string;
  number: string | null;
  amountPaid: number;
  currency: string;
  paidAt: Date;
  hostedInvoiceUrl: string | null;
}

/** Minor units to a display amount; Stripe's zero-decimal currencies are not offered by PACScribe. */
function formatAmount(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

/**
 * A billing receipt: transactional mail to the billing email [PP-02, PP-22], carrying what Stripe's
 * invoice says and never card details (Stripe holds them) [PP-17].
 */
export function composeReceiptMail(to: string, invoice: PaidInvoice): OutgoingMail {
  const lines = [
    'Thank you: your PACScribe subscription payment was received.',
    '',
    `Invoice: ${invoice.number ?? invoice.invoiceId}`,
    `Amount paid: ${formatAmount(invoice.amountPaid, invoice.currency)}`,
    `Date: ${invoice.paidAt.toISOString().slice(0, 10)}`,
    ...(invoice.hostedInvoiceUrl ? [`Invoice and receipt: ${invoice.hostedInvoiceUrl}`] : []),
    '',
    'This is a billing receipt; it is sent to your organization’s billing email.',
    '',
    'PACScribe',
  ];
  return {
    to,
    subject: `PACScribe receipt ${invoice.number ?? invoice.invoiceId}`,
    text: lines.join('\n'),
    html: lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join('\n'),
    category: 'transactional',
  };
}
