import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { escapeHtml } from '../../functions/mail/core/html';
import { CONSOLE_SECURITY_HEADERS } from '../../infra/console/console-security-headers';

/**
 * The local hosted-UI pages: plain HTML forms, no script at all, so the CSP can forbid every script
 * source. The one stylesheet is inline and allowed by its hash. Colours meet WCAG AA (every text
 * pairing is over 7:1; borders and the focus ring over 3:1) and focus is always visible.
 */
const STYLESHEET = [
  'body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f4f5f7}',
  'main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border:1px solid #c4c8cf;border-radius:8px}',
  'h1{font-size:1.5rem;margin:0 0 1.5rem}',
  'label{display:block;font-weight:600;margin:1rem 0 .25rem}',
  'input{box-sizing:border-box;width:100%;padding:.5rem;font:inherit;color:#1a1a1a;background:#fff;border:1px solid #5f6670;border-radius:4px}',
  'button{margin-top:1.5rem;width:100%;padding:.6rem;font:inherit;font-weight:600;color:#fff;background:#0b4f8a;border:0;border-radius:4px;cursor:pointer}',
  'button:hover{background:#083b68}',
  ':focus-visible{outline:3px solid #b35c00;outline-offset:2px}',
  '.error{color:#b00020;font-weight:600}',
  '.hint{color:#4a4f57;font-size:.9rem}',
].join('');

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

/**
 * The pages' CSP: nothing but the hashed stylesheet; forms post to this origin (and, after a sign-in,
 * redirect to a registered callback, which browsers check against form-action too).
 */
export function hostedLoginContentSecurityPolicy(callbackOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    `form-action 'self' ${[...new Set(callbackOrigins)].join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A rendered page, with the headers every hosted-login page carries. */
export function htmlPage(
  status: number,
  title: string,
  content: string,
  contentSecurityPolicy: string,
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: {
      ...CONSOLE_SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy,
      'cache-control': 'no-store',
    },
    body:
      '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1">' +
      `<title>${escapeHtml(title)} · PACScribe</title><style>${STYLESHEET}</style></head>` +
      `<body><main><h1>${escapeHtml(title)}</h1>${content}</main></body></html>`,
  };
}

/** An error message tied to the form's first field, announced when the page loads. */
const errorParagraph = (message: string | undefined) =>
  message ? `<p class="error" id="form-error" role="alert">${escapeHtml(message)}</p>` : '';
const describedBy = (message: string | undefined) => (message ? ' aria-describedby="form-error"' : '');

export function signInForm(transactionId: string, options: { email?: string; error?: string } = {}): string {
  return (
    errorParagraph(options.error) +
    '<form method="post" action="/login">' +
    `<input type="hidden" name="transaction" value="${escapeHtml(transactionId)}">` +
    '<label for="email">Email</label>' +
    `<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(options.email ?? '')}"${describedBy(options.error)}>` +
    '<label for="password">Password</label>' +
    '<input id="password" name="password" type="password" autocomplete="current-password" required>' +
    '<button type="submit">Sign in</button>' +
    '</form>'
  );
}

export function newPasswordForm(transactionId: string, options: { error?: string } = {}): string {
  return (
    '<p class="hint">Your password was temporary. Choose a new one: at least 14 characters, with upper- and ' +
    'lowercase letters, a digit and a symbol.</p>' +
    errorParagraph(options.error) +
    '<form method="post" action="/login/new-password">' +
    `<input type="hidden" name="transaction" value="${escapeHtml(transactionId)}">` +
    '<label for="new-password">New password</label>' +
    `<input id="new-password" name="new_password" type="password" autocomplete="new-password" required autofocus${describedBy(options.error)}>` +
    '<label for="confirm-password">Confirm new password</label>' +
    '<input id="confirm-password" name="confirm_password" type="password" autocomplete="new-password" required>' +
    '<button type="submit">Set password</button>' +
    '</form>'
  );
}

/** A dead end that never redirects: shown when the request cannot be trusted with a redirect. */
export const errorMessage = (message: string) => `<p class="error" role="alert">${escapeHtml(message)}</p>`;
