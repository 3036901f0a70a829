import { localPreflight } from '../../../scripts/local/router';

const CONSOLE = 'https://localhost:8443';
const VIEWER = 'http://localhost:3000';
const env = { CONSOLE_ORIGIN: CONSOLE, DICOMWEB_CORS_ORIGINS: VIEWER };

describe("local router's CORS preflight (API Gateway's mock integration, locally)", () => {
  it('answers the console on every route and viewers on DICOMweb only, as in AWS', () => {
    expect(localPreflight('/v1/me', CONSOLE, env)).toMatchObject({
      statusCode: 204,
      headers: {
        'access-control-allow-origin': CONSOLE,
        'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE,OPTIONS',
      },
    });
    expect(localPreflight('/v1/me', VIEWER, env).headers).toEqual({ vary: 'Origin' });
    expect(localPreflight('/dicomweb/studies', VIEWER, env).headers).toMatchObject({
      'access-control-allow-origin': VIEWER,
      'access-control-allow-methods': 'GET,POST,DELETE,OPTIONS',
    });
    expect(localPreflight('/dicomweb/studies', CONSOLE, env).headers).toMatchObject({
      'access-control-allow-origin': CONSOLE,
    });
  });

  it('never answers an unknown origin, a wildcard or with credentials', () => {
    for (const origin of ['https://evil.example', '*', undefined]) {
      const { headers } = localPreflight('/v1/me', origin, env);
      expect(headers).toEqual({ vary: 'Origin' });
    }
  });
});
