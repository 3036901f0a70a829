import type { RouteDefinition } from '#functions/shared/http/route';

/**
 * The per-IP limit on the public sign-up routes, shared by the WAF rule (AWS) and the local router, so
 * that local refuses what AWS refuses. WAF counts every request whose URI path contains the prefix
 * (stage prefix and trailing slash included) in a 5-minute window; its minimum limit is 10.
 */
export const SIGNUP_RATE_LIMIT = {
  pathFragment: '/v1/signup',
  windowSeconds: 300,
  defaultLimit: 10,
} as const;

/**
 * The per-IP limit on the public one-click unsubscribe (RFC 8058): mail clients POST once per click, so
 * a generous limit still stops anyone probing tokens by brute force.
 */
export const UNSUBSCRIBE_RATE_LIMIT = {
  pathFragment: '/v1/unsubscribe',
  windowSeconds: 300,
  defaultLimit: 100,
} as const;

/** What both answer once the limit is reached: 429 and this body. */
export const RATE_LIMITED_BODY = JSON.stringify({
  error: { code: 'rate_limited', message: 'Too many requests. Try again in a few minutes.' },
});

/** A public route the sign-up rate limit covers. */
export const isSignupRateLimited = (route: Pick<RouteDefinition, 'access' | 'path'>): boolean =>
  route.access.kind === 'public' && route.path.toLowerCase().includes(SIGNUP_RATE_LIMIT.pathFragment);

/** A public route the unsubscribe rate limit covers. */
export const isUnsubscribeRateLimited = (route: Pick<RouteDefinition, 'access' | 'path'>): boolean =>
  route.access.kind === 'public' && route.path.toLowerCase().includes(UNSUBSCRIBE_RATE_LIMIT.pathFragment);
