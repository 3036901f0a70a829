/**
 * Domain errors: what went wrong, in the domain's words. They know nothing of HTTP;
 * functions/shared/http/error-responses.ts maps them to status codes in one place.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
}

export interface InputIssue {
  path: string;
  message: string;
}

/** Codes a 400 may carry beyond the generic invalid_request, for clients that branch on the cause. */
export type InvalidInputCode =
  | 'invalid_request'
  | 'attribute_not_editable'
  | 'uid_not_editable'
  | 'invalid_attribute_value'
  /** The body holds a payment card number; card entry happens only on Stripe's pages [PP-16]. */
  | 'card_data_refused'
  /** A webhook whose signature, body or timestamp does not verify. */
  | 'invalid_signature'
  /** A request to turn transactional mail off: it cannot be while the account is active [PP-22]. */
  | 'transactional_mail_required';

export class InvalidInputError extends DomainError {
  override readonly name = 'InvalidInputError';
  constructor(
    message: string,
    readonly issues: InputIssue[] = [],
    readonly code: InvalidInputCode = 'invalid_request',
  ) {
    super(message);
  }
}

export class InvalidJsonError extends DomainError {
  override readonly name = 'InvalidJsonError';
}

export class UnsupportedMediaTypeError extends DomainError {
  override readonly name = 'UnsupportedMediaTypeError';
}

export class PayloadTooLargeError extends DomainError {
  override readonly name = 'PayloadTooLargeError';
}

/** The caller could not be identified: missing, invalid, expired or revoked credentials. */
export class UnauthenticatedError extends DomainError {
  override readonly name = 'UnauthenticatedError';
}

/** The caller is known but the action is not theirs to take. */
export class ForbiddenError extends DomainError {
  override readonly name: string = 'ForbiddenError';
}

/**
 * A support engineer's request refused: `support_read_only` for an action support may not take under a
 * grant, `support_grant_invalid` for a missing, foreign, expired, revoked or unapproved grant.
 */
export class SupportAccessRefusedError extends ForbiddenError {
  override readonly name = 'SupportAccessRefusedError';
  constructor(
    readonly code: 'support_read_only' | 'support_grant_invalid',
    message: string,
  ) {
    super(message);
  }
}

/** Missing and foreign ids both end here, so they cannot be told apart. */
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
}

/** The resource exists but not in any representation the client accepts. */
export class NotAcceptableError extends DomainError {
  override readonly name = 'NotAcceptableError';
}

export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
}

/**
 * The organization's subscription has lapsed: it is in its read-only grace period, where the routes that
 * add or change imaging data or users are refused and everything that reads, exports, protects, pays or
 * asks for help still works; nothing is deleted (docs/billing.md).
 */
export class SubscriptionLapsedError extends DomainError {
  override readonly name = 'SubscriptionLapsedError';
}

/**
 * A one-time code was not accepted. Wrong, expired and never-issued codes are one case (`locked` false),
 * so the answer says nothing about which addresses have a sign-up waiting; `locked` once too many wrong
 * codes were tried and only a new code helps.
 */
export class VerificationFailedError extends DomainError {
  override readonly name = 'VerificationFailedError';
  constructor(readonly locked: boolean) {
    super(
      locked
        ? 'Too many wrong codes. Sign up again to receive a new code.'
        : 'The code is wrong or has expired.',
    );
  }
}

/**
 * Too many requests of one kind in a window (share redemption per link and per source address, an
 * organization's allowance). With a wait known, the answer says it (`Retry-After`), which DICOMweb clients honour.
 */
export class RateLimitedError extends DomainError {
  override readonly name = 'RateLimitedError';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A dependency (identity provider, workflow engine, mail) failed; nothing partial was kept. */
export class DependencyUnavailableError extends DomainError {
  override readonly name = 'DependencyUnavailableError';
}

/**
 * Stored bytes did not match the digest recorded when they were stored: corruption or substitution.
 * Before a response starts this is a 503 (and logged as an incident); once streaming it aborts the transfer.
 */
export class IntegrityCheckFailedError extends DomainError {
  override readonly name = 'IntegrityCheckFailedError';
}

/** The audit record could not be written, so the request must fail closed. */
export class AuditUnavailableError extends DomainError {
  override readonly name = 'AuditUnavailableError';
}
