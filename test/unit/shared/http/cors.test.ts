import {
  API_CORS_METHODS,
  assertExplicitOrigins,
  corsOriginsFromEnv,
  corsPreflightHeaders,
  corsRuleFor,
  DICOMWEB_CORS_METHODS,
  gatewayErrorCorsHeaders,
} from '#functions/shared/http/cors';

const CONSOLE = 'https://app.pacscribe.example';
const VIEWER = 'https://viewer.pacscribe.example';
const origins = { console: CONSOLE, dicomweb: [VIEWER] };

describe('CORS rule by path', () => {
  it('answers the console on every route, and viewers on /dicomweb/* only', () => {
    expect(corsRuleFor('/v1/me', origins).origins).toEqual([CONSOLE]);
    expect(corsRuleFor('/v1/organizations/{orgId}/studies', origins).origins).toEqual([CONSOLE]);
    expect(corsRuleFor('/dicomweb/studies', origins).origins).toEqual([VIEWER, CONSOLE]);
  });

  it('keeps the DICOMweb preflight exactly as the viewers know it', () => {
    const rule = corsRuleFor('/dicomweb/studies/{study}/series', origins);
    expect(rule.allowMethods).toEqual(DICOMWEB_CORS_METHODS);
    expect(corsPreflightHeaders(VIEWER, rule)).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': VIEWER,
      'access-control-allow-headers': 'Authorization,Content-Type,Accept',
      'access-control-allow-methods': 'GET,POST,DELETE,OPTIONS',
      'access-control-max-age': '3600',
    });
  });

  it('lets the console use every method the API has, and nothing else answers', () => {
    const rule = corsRuleFor('/v1/users/{userId}', origins);
    expect(rule.allowMethods).toEqual(API_CORS_METHODS);
    expect(corsPreflightHeaders(CONSOLE, rule)['access-control-allow-methods']).toBe(
      'GET,POST,PUT,PATCH,DELETE,OPTIONS',
    );
    expect(corsPreflightHeaders(VIEWER, rule)).toEqual({ vary: 'Origin' });
    expect(corsPreflightHeaders(undefined, rule)).toEqual({ vary: 'Origin' });
  });

  it('never sends credentials or a wildcard', () => {
    for (const path of ['/v1/me', '/dicomweb/studies']) {
      const headers = corsPreflightHeaders(CONSOLE, corsRuleFor(path, origins));
      expect(headers['access-control-allow-credentials']).toBeUndefined();
      expect(headers['access-control-allow-origin']).toBe(CONSOLE);
    }
    expect(corsPreflightHeaders('*', corsRuleFor('/v1/me', origins))).toEqual({ vary: 'Origin' });
  });

  it('without a console origin, only viewers on DICOMweb are answered', () => {
    expect(corsRuleFor('/v1/me', { dicomweb: [VIEWER] }).origins).toEqual([]);
    expect(corsRuleFor('/dicomweb/studies', { dicomweb: [VIEWER] }).origins).toEqual([VIEWER]);
  });

  it('reads the origins from the same environment variables the functions get', () => {
    expect(
      corsOriginsFromEnv({
        CONSOLE_ORIGIN: CONSOLE,
        DICOMWEB_CORS_ORIGINS: `${VIEWER}, https://ohif.example`,
      }),
    ).toEqual({ console: CONSOLE, dicomweb: [VIEWER, 'https://ohif.example'] });
    expect(corsOriginsFromEnv({})).toEqual({ console: undefined, dicomweb: [] });
  });

  it('refuses wildcards and origins with a path', () => {
    expect(() => assertExplicitOrigins([CONSOLE, VIEWER])).not.toThrow();
    expect(() => assertExplicitOrigins(['*'])).toThrow(/wildcard/);
    expect(() => assertExplicitOrigins(['https://*.pacscribe.example'])).toThrow();
    expect(() => assertExplicitOrigins([`${CONSOLE}/console/`])).toThrow();
  });

  it("names the console on API Gateway's own errors, so it can read a 401", () => {
    expect(gatewayErrorCorsHeaders(CONSOLE)).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': CONSOLE,
      'access-control-expose-headers': 'Content-Type, Content-Length, Retry-After, X-Request-Id',
    });
  });
});
