import {
  signUnsubscribeToken,
  UNSUBSCRIBE_LINK_LIFETIME_SECONDS,
  verifyUnsubscribeToken,
} from '../../../../functions/mail/core/unsubscribe-token';
import { UnsubscribeTokenSchema } from '../../../../schemas/mail/preferences';

const secret = Buffer.alloc(32, 1);
const now = new Date('2026-12-01T10:00:00Z');
const userId = '0a112024-4a89-459a-b1fd-e44f8b60fb3f';

describe('signed unsubscribe links', () => {
  it('name the user by id and expiry only, and verify under the same secret', () => {
    const token = signUnsubscribeToken(secret, userId, now);
    expect(UnsubscribeTokenSchema.parse(token)).toBe(token);
    const payload = Buffer.from(token.split('.')[0] ?? '', 'base64url').toString();
    expect(payload).toMatch(/^u1\.[0-9a-f-]+\.\d+$/);
    expect(payload).not.toContain('@');
    expect(verifyUnsubscribeToken(secret, token, now)).toBe(userId);
  });

  it('[PP-03] a forged or altered link names nobody', () => {
    const token = signUnsubscribeToken(secret, userId, now);
    const [payload, mac] = token.split('.');
    const otherUser = Buffer.from(`u1.${'1'.repeat(36)}.${Math.floor(now.getTime() / 1000) + 60}`).toString(
      'base64url',
    );
    expect(verifyUnsubscribeToken(secret, `${otherUser}.${mac}`, now)).toBeNull();
    expect(verifyUnsubscribeToken(Buffer.alloc(32, 2), token, now)).toBeNull();
    expect(verifyUnsubscribeToken(secret, `${payload}.${mac?.slice(1)}A`, now)).toBeNull();
    expect(verifyUnsubscribeToken(secret, `${payload}`, now)).toBeNull();
    expect(verifyUnsubscribeToken(secret, `${token}.extra`, now)).toBeNull();
  });

  it('expires after its lifetime', () => {
    const token = signUnsubscribeToken(secret, userId, now);
    const later = new Date(now.getTime() + UNSUBSCRIBE_LINK_LIFETIME_SECONDS * 1000 + 1000);
    expect(verifyUnsubscribeToken(secret, token, later)).toBeNull();
  });
});
