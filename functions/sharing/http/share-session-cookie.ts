import type { RawRequest } from '../../shared/http/http-handler';

/** The share session's cookie: one per share link, readable by no script, sent to this share's pages only. */
export const SHARE_SESSION_COOKIE = 'pacscribe_share_session';

export function sessionCookie(token: string, sessionToken: string, maxAgeSeconds: number): string {
  return [
    `${SHARE_SESSION_COOKIE}=${sessionToken}`,
    `Path=/s/${token}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'Secure',
    'SameSite=Strict',
  ].join('; ');
}

/** The session token the request carries, if it is shaped like one; anything else counts as none. */
export function sessionTokenOf(raw: RawRequest): string | null {
  const header = raw.header('cookie') ?? '';
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === SHARE_SESSION_COOKIE && value && /^[A-Za-z0-9_-]{43}$/.test(value)) return value;
  }
  return null;
}

/** A small form body (application/x-www-form-urlencoded) as plain fields; repeated fields are refused. */
export function formFields(raw: RawRequest): Record<string, string> | null {
  const text = raw.body().toString('utf8');
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (name in fields) return null;
    fields[name] = value;
  }
  return fields;
}
