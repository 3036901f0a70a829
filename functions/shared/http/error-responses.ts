import {
  AuditUnavailableError,
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  IntegrityCheckFailedError,
  InvalidInputError,
  InvalidJsonError,
  NotAcceptableError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  SubscriptionLapsedError,
  SupportAccessRefusedError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  VerificationFailedError,
} from '../errors';
import { errorResult, type HttpResult } from './responses';

/** The one place domain errors become HTTP. Unknown errors become a 500 that says nothing. */
export function resultForError(error: unknown, requestId: string): HttpResult {
  if (error instanceof InvalidInputError) {
    return errorResult(400, error.code, error.message, requestId, { issues: error.issues });
  }
  if (error instanceof InvalidJsonError) return errorResult(400, 'invalid_json', error.message, requestId);
  if (error instanceof UnsupportedMediaTypeError) {
    return errorResult(415, 'unsupported_media_type', error.message, requestId);
  }
  if (error instanceof PayloadTooLargeError)
    return errorResult(413, 'payload_too_large', error.message, requestId);
  if (error instanceof UnauthenticatedError) {
    return errorResult(401, 'unauthenticated', error.message, requestId, {
      headers: { 'www-authenticate': 'Bearer' },
    });
  }
  if (error instanceof SupportAccessRefusedError)
    return errorResult(403, error.code, error.message, requestId);
  if (error instanceof ForbiddenError) return errorResult(403, 'forbidden', error.message, requestId);
  if (error instanceof NotFoundError) return errorResult(404, 'not_found', error.message, requestId);
  if (error instanceof NotAcceptableError)
    return errorResult(406, 'not_acceptable', error.message, requestId);
  if (error instanceof VerificationFailedError) {
    const code = error.locked ? 'verification_locked' : 'verification_failed';
    return errorResult(400, code, error.message, requestId);
  }
  if (error instanceof RateLimitedError) {
    return errorResult(429, 'rate_limited', error.message, requestId, {
      ...(error.retryAfterSeconds === undefined
        ? {}
        : { headers: { 'retry-after': String(error.retryAfterSeconds) } }),
    });
  }
  if (error instanceof ConflictError) return errorResult(409, 'conflict', error.message, requestId);
  if (error instanceof SubscriptionLapsedError) {
    return errorResult(402, 'subscription_lapsed', error.message, requestId);
  }
  if (error instanceof DependencyUnavailableError) {
    // A moment's outage (a dependency, the sign-in keys): clients that honour Retry-After come back.
    return errorResult(503, 'dependency_unavailable', error.message, requestId, {
      headers: { 'retry-after': '1' },
    });
  }
  if (error instanceof IntegrityCheckFailedError) {
    return errorResult(503, 'dependency_unavailable', error.message, requestId);
  }
  if (error instanceof AuditUnavailableError) {
    return errorResult(
      503,
      'audit_unavailable',
      'The request was refused because it could not be audited.',
      requestId,
    );
  }
  return errorResult(500, 'internal_error', 'Something went wrong on our side.', requestId);
}

export function isExpectedError(error: unknown): boolean {
  return resultForError(error, '').statusCode < 500 || error instanceof DependencyUnavailableError;
}
