import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Unsubscribe links name a person by user id and expiry only (no address, no PHI in the URL) and are
 * signed with HMAC-SHA256 under a secret only PACScribe holds, so a forged or altered link changes nothing.
 * Token: base64url("u1.<userId>.<expiresEpochSeconds>") "." base64url(hmac).
 */
const VERSION = 'u1';

/** Links stay valid a year: people unsubscribe from old mail too. */
export const UNSUBSCRIBE_LINK_LIFETIME_SECONDS = 365 * 24 * 3600;

const mac = (secret: Uint8Array, payload: string) =>
  createHmac('sha256', secret).update(payload).digest().toString('base64url');

export function signUnsubscribeToken(secret: Uint8Array, userId: string, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + UNSUBSCRIBE_LINK_LIFETIME_SECONDS;
  const payload = `${VERSION}.${userId}.${expires}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(secret, payload)}`;
}

/** The user id a genuine, unexpired token names; null for anything else. */
export function verifyUnsubscribeToken(secret: Uint8Array, token: string, now: Date): string | null {
  const [encoded, signature, ...rest] = token.split('.');
  if (!encoded || !signature || rest.length > 0) return null;
  const payload = Buffer.from(encoded, 'base64url').toString('utf8');
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const [version, userId, expires, ...extra] = payload.split('.');
  if (version !== VERSION || !userId || !expires || extra.length > 0) return null;
  if (!/^\d+$/.test(expires) || Number(expires) * 1000 <= now.getTime()) return null;
  return userId;
}
