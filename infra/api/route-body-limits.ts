import { DEFAULT_MAX_BODY_BYTES } from '#functions/shared/http/request-parsing';
import type { RouteDefinition } from '#functions/shared/http/route';

/** The most of a body API Gateway forwards to WAF (its KB_64 setting). */
export const WAF_BODY_INSPECTION_BYTES = 64 * 1024;

/** What WAF answers for a body no JSON route takes: the same error body the functions give. */
export const PAYLOAD_TOO_LARGE_BODY = JSON.stringify({
  error: { code: 'payload_too_large', message: 'The request body is larger than this route accepts.' },
});

/** A route's body limit: its own, or the default every JSON route has. */
export const bodyLimitOf = (route: Pick<RouteDefinition, 'request'>): number =>
  route.request?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

/**
 * Routes that take bodies larger than WAF can inspect (STOW-RS, upload completion, reports, the Stripe
 * webhook). WAF's body rules are not run on them (a binary DICOM body trips them, and WAF sees only its
 * first 64 KB); their functions refuse an oversize body before decoding it.
 */
export const bulkBodyRoutes = (routes: readonly RouteDefinition[]): RouteDefinition[] =>
  routes.filter(
    (route) =>
      (route.method === 'POST' || route.method === 'PUT') && bodyLimitOf(route) > WAF_BODY_INSPECTION_BYTES,
  );

/** An API Gateway path template as an anchored regex over the request path ({name} is one segment). */
export const pathPattern = (template: string): string =>
  `^${template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('')}/?$`;
