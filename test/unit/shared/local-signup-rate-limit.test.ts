import { SIGNUP_RATE_LIMIT } from '../../../infra/api/public-rate-limit';
import { localRateLimit, signupRateLimiter } from '../../../scripts/local/router';

describe('local sign-up rate limit (the WAF rule, locally)', () => {
  it('defaults to the WAF limit and names exempt IPs explicitly', () => {
    expect(localRateLimit({})).toEqual({ limit: SIGNUP_RATE_LIMIT.defaultLimit, exemptIps: [] });
    expect(
      localRateLimit({
        PACSCRIBE_LOCAL_SIGNUP_RATE_LIMIT: '50',
        PACSCRIBE_LOCAL_RATE_LIMIT_EXEMPT_IPS: '127.0.0.1, ::1',
      }),
    ).toEqual({ limit: 50, exemptIps: ['127.0.0.1', '::1'] });
  });

  it('refuses an IP past the limit on the sign-up paths, across both, until the window passes', () => {
    let now = 0;
    const allow = signupRateLimiter({ limit: 10, exemptIps: [] }, () => now);
    const answers = Array.from({ length: 10 }, (_, i) =>
      allow('203.0.113.9', i % 2 ? '/v1/signup/verify' : '/v1/signup'),
    );

    expect(answers.every(Boolean)).toBe(true);
    expect(allow('203.0.113.9', '/V1/%73ignup')).toBe(false);
    expect(allow('203.0.113.10', '/v1/signup')).toBe(true);
    expect(allow('203.0.113.9', '/v1/me')).toBe(true);
    now += SIGNUP_RATE_LIMIT.windowSeconds * 1000;
    expect(allow('203.0.113.9', '/v1/signup')).toBe(true);
  });

  it('does not count exempt IPs', () => {
    const allow = signupRateLimiter({ limit: 1, exemptIps: ['127.0.0.1'] });
    expect([1, 2, 3].map(() => allow('127.0.0.1', '/v1/signup'))).toEqual([true, true, true]);
  });
});
