/** The API's machine-readable error codes as sentences a person can act on. */
const SENTENCES: Record<string, string> = {
  unauthenticated: 'Your session has ended. Sign in again.',
  forbidden: 'Your account is not allowed to do this. An administrator can change your permissions.',
  support_read_only: 'Support staff can only look, not change anything.',
  support_grant_invalid: 'The support access grant is not active.',
  not_found: 'It was not found, or it is not in your organization.',
  conflict: 'Someone changed this at the same time, or it already exists. Reload and try again.',
  invalid_request: 'Some of what you entered is not valid.',
  invalid_json: 'The request could not be read.',
  attribute_not_editable: 'That attribute cannot be edited.',
  uid_not_editable: 'Identifiers (UIDs) cannot be edited.',
  invalid_attribute_value: 'One of the values is not valid for its DICOM attribute.',
  card_data_refused: 'Card numbers are never entered here; payment details go only to Stripe.',
  transactional_mail_required:
    'Account mail (security and billing notices) stays on while the account is active.',
  payload_too_large: 'The file is too large to send this way.',
  unsupported_media_type: 'That file type is not accepted.',
  not_acceptable: 'That format is not available.',
  rate_limited: 'Too many requests. Wait a minute and try again.',
  subscription_lapsed: 'The subscription has lapsed. An administrator can renew it under Billing.',
  dependency_unavailable: 'A service PACScribe depends on is unavailable. Try again in a minute.',
  audit_unavailable:
    'The audit log cannot be written right now, so nothing was shown. Try again in a minute.',
  internal_error:
    'Something went wrong on our side. Try again; if it keeps happening, open a support ticket.',
  network: 'PACScribe cannot be reached. Check the connection and try again.',
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly requestId: string | undefined,
  ) {
    super(SENTENCES[code] ?? (detail || `Request failed (HTTP ${status}).`));
  }
}

/** A sentence for any error; validation errors keep the API's detail, which names the field. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const sentence = error.message;
    return error.code === 'invalid_request' && error.detail ? `${sentence} ${error.detail}` : sentence;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}
