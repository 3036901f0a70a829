/**
 * The privacy policy's promises, by clause id. Tests carry these ids in their names ([PP-xx]) so
 * `npm run compliance` can show which tests enforce each promise and where there are gaps.
 */
export const PRIVACY_CLAUSES = {
  'PP-01': 'Sign-up collects name, organization/facility, role, email',
  'PP-02':
    'Account data is used for set-up, support, and important mail: billing receipts, security updates, service notices',
  'PP-03': 'Non-essential (marketing) email can be opted out of at any time',
  'PP-04': 'Personal information is never rented, sold or shared with third parties for marketing',
  'PP-05': 'Support messages and tickets (message + sender email) are retained in a secure store',
  'PP-06':
    'Multi-user access with separate credentials per person; roles and permission levels control view / edit / export',
  'PP-07': "No third party can access data without the customer's explicit authorization",
  'PP-08': 'Support staff may only VIEW, to diagnose a support request; never modify, delete or export',
  'PP-09': 'Every support access is logged with date, time, staff id and reason; logs are retained',
  'PP-10': 'All data in transit uses TLS 1.2 or higher',
  'PP-11': 'Data is stored in US regions only',
  'PP-12': 'Data is replicated to a second US region for redundancy and disaster recovery',
  'PP-13': 'Backups are encrypted with AES-256 (KMS)',
  'PP-14': 'Customers can download all imaging data, metadata and related information at any time',
  'PP-15': 'Exports are in standard spreadsheet (Excel-compatible) and image formats',
  'PP-16': 'No payment card data is stored or processed by PACScribe; it goes straight to Stripe',
  'PP-17':
    'Billing contact data is used only for billing and receipts; no card number, expiry or CVC is stored',
  'PP-18':
    'Built for HIPAA: access control, audit controls, integrity, authentication, transmission security',
  'PP-19': 'Promotional email goes only to providers and facility administrators who have not opted out',
  'PP-20': 'Any user can opt out of promotional email and manage preferences in account settings',
  'PP-21': 'An opt-out is propagated to every marketing system within 10 US business days, and tracked',
  'PP-22':
    'Transactional mail continues after a marketing opt-out and cannot be turned off while the account is active',
  'PP-23': 'Policy updates are published with a new "Last Updated" date; material changes are notified',
  'PP-24': 'Continued use after an update is recorded as acceptance of that version',
} as const;
export type ClauseId = keyof typeof PRIVACY_CLAUSES;
