/**
 * The console's response headers, one source for CloudFront's response-headers policy and the local
 * HTTPS server. Scripts come only from the console's own files (no inline scripts, no eval); tokens live
 * in memory, so the policy is what keeps injected script from reading them.
 */
export interface ConsoleOrigins {
  /** Origins the console's scripts may call: the API and the OAuth 2 token/revocation endpoints. */
  connect: readonly string[];
  /** Origins a form may post to or the page may navigate to for sign-in (the authorization server). */
  formAction: readonly string[];
}

export function consoleContentSecurityPolicy(origins: ConsoleOrigins): string {
  const unique = (values: readonly string[]) => [...new Set(values)].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    // React sets style properties through the CSSOM, which style-src does not govern.
    "style-src 'self'",
    // Rendered images and thumbnails are fetched with the bearer token and shown as blob: URLs.
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self' ${unique(origins.connect)}`,
    `form-action 'self' ${unique(origins.formAction)}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    // No upgrade-insecure-requests: every listed origin is https in AWS (so plain http is refused anyway),
    // and locally the S3 stand-in answers on loopback http, which browsers treat as secure.
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers besides the CSP, the same in both places. */
export const CONSOLE_SECURITY_HEADERS = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/** The origin of an https URL (for CSP source lists). */
export const originOf = (url: string) => new URL(url).origin;
