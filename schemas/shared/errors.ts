import * as z from 'zod';

/** Machine-readable error codes. Clients branch on `code`; `message` is for people. */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_json',
  /** A metadata edit names a keyword that is unknown or not editable at that level. */
  'attribute_not_editable',
  /** A metadata edit would change a UID (identity is never edited; the original is always kept). */
  'uid_not_editable',
  /** A metadata edit's value does not fit its VR (format, length, multiplicity). */
  'invalid_attribute_value',
  'card_data_refused',
  'invalid_signature',
  /** Transactional mail cannot be turned off while the account is active [PP-22]. */
  'transactional_mail_required',
  'unsupported_media_type',
  'payload_too_large',
  'unauthenticated',
  'forbidden',
  /** A support engineer under a grant tried something other than viewing [PP-08]. */
  'support_read_only',
  /** A support grant that is missing, not the caller's, unapproved, revoked or expired. */
  'support_grant_invalid',
  'not_found',
  'method_not_allowed',
  'not_acceptable',
  'conflict',
  /** The subscription has lapsed: the organization is read-only until it is renewed (docs/billing.md). */
  'subscription_lapsed',
  /** A one-time code was wrong, expired or never issued (one answer for all three). */
  'verification_failed',
  /** Too many wrong codes: a new code is needed. */
  'verification_locked',
  /** Too many requests to a rate-limited public route from one IP (the WAF, and the local router). */
  'rate_limited',
  'dependency_unavailable',
  'audit_unavailable',
  'internal_error',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: ErrorCodeSchema,
      message: z.string(),
      requestId: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
