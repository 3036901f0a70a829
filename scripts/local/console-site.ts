import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { stop as stopEsbuild } from 'esbuild';
import { buildConsole } from '../../infra/console/console-build';
import {
  CONSOLE_SECURITY_HEADERS,
  consoleContentSecurityPolicy,
} from '../../infra/console/console-security-headers';
import {
  CONSOLE_INACTIVITY_MINUTES,
  CONSOLE_PATH,
  type ConsoleConfig,
  ConsoleConfigSchema,
} from '../../schemas/console/console-config';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The console's config.json for the local stack: the API and the OAuth 2 stand-in share its origin. */
export function localConsoleConfig(apiUrl: string, clientId: string): ConsoleConfig {
  return ConsoleConfigSchema.parse({
    apiUrl,
    authorizationEndpoint: `${apiUrl}/oauth2/authorize`,
    tokenEndpoint: `${apiUrl}/oauth2/token`,
    revocationEndpoint: `${apiUrl}/oauth2/revoke`,
    logoutEndpoint: `${apiUrl}/logout`,
    clientId,
    redirectUri: `${apiUrl}${CONSOLE_PATH}`,
    logoutRedirectUri: `${apiUrl}${CONSOLE_PATH}`,
    inactivityMinutes: CONSOLE_INACTIVITY_MINUTES,
  });
}

/**
 * Serves the built console under /console/ as CloudFront does in AWS: the same files, the same CSP and
 * security headers, index.html and config.json never cached, hashed assets cached for good.
 * `uploadOrigins` are where the browser PUTs upload-session parts (the S3 stand-in locally).
 */
export function localConsoleSite(options: { config: ConsoleConfig; uploadOrigins: readonly string[] }) {
  const root = buildConsole();
  // buildSync leaves esbuild's worker thread and service process running (~150 MB); nothing builds again.
  void stopEsbuild();
  const headers = {
    ...CONSOLE_SECURITY_HEADERS,
    'content-security-policy': consoleContentSecurityPolicy({
      connect: [new URL(options.config.apiUrl).origin, ...options.uploadOrigins],
      formAction: [new URL(options.config.authorizationEndpoint).origin],
    }),
  };
  const configBody = JSON.stringify(options.config);
  const notFound: APIGatewayProxyResult = {
    statusCode: 404,
    headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
    body: 'Not found',
  };
  return async (method: string, url: URL): Promise<APIGatewayProxyResult> => {
    if (method !== 'GET' && method !== 'HEAD')
      return { ...notFound, statusCode: 405, body: 'Method not allowed' };
    if (url.pathname === '/console')
      return { statusCode: 301, headers: { location: CONSOLE_PATH }, body: '' };
    const relative = url.pathname.slice(CONSOLE_PATH.length) || 'index.html';
    if (relative === 'config.json') {
      return {
        statusCode: 200,
        headers: { ...headers, 'content-type': CONTENT_TYPES['.json'] ?? '', 'cache-control': 'no-cache' },
        body: configBody,
      };
    }
    // Only index.html and the built assets exist; no path may climb out of the build directory.
    if (relative !== 'index.html' && !/^assets\/[\w.-]+$/.test(relative)) return notFound;
    const file = path.join(root, relative);
    const body = await readFile(file).catch(() => null);
    if (!body) return notFound;
    return {
      statusCode: 200,
      headers: {
        ...headers,
        'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': relative === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      },
      body: body.toString('base64'),
      isBase64Encoded: true,
    };
  };
}
