import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError, describeError } from '../../../console/src/api/errors';
import { dicomDate, personName, text } from '../../../console/src/dicom-json';
import { buildConsole } from '../../../infra/console/console-build';
import { consoleContentSecurityPolicy } from '../../../infra/console/console-security-headers';
import { ConsoleConfigSchema } from '../../../schemas/console/console-config';
import { localConsoleConfig, localConsoleSite } from '../../../scripts/local/console-site';

const config = localConsoleConfig('https://localhost:8443', 'local-client');
const site = localConsoleSite({ config, uploadOrigins: ['http://127.0.0.1:8101'] });
const get = (pathname: string) => site('GET', new URL(pathname, 'https://localhost:8443'));

describe('the console build', () => {
  const root = buildConsole();
  const index = readFileSync(path.join(root, 'index.html'), 'utf8');

  it('references its content-hashed script and stylesheet and holds no inline script or style', () => {
    const scripts = [...index.matchAll(/<script[^>]*>/g)].map((match) => match[0]);
    expect(scripts).toEqual([
      expect.stringMatching(/^<script type="module" src="\.\/assets\/main-[A-Z0-9]+\.js">$/),
    ]);
    expect(index).not.toMatch(/<script[^>]*>[^<]+<\/script>/);
    expect(index).not.toMatch(/<style|style="/);
    expect(index).toMatch(
      /<link rel="stylesheet" id="react-aria-pressable-style" href="\.\/assets\/main-[A-Z0-9]+\.css">/,
    );
  });

  it('keeps the setting that stops zod probing for eval (package.json marks it a side effect)', () => {
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(index)?.[1] ?? '';
    const bundle = readFileSync(path.join(root, script), 'utf8');
    expect(bundle).toContain('jitless:!0');
    // Whether it runs early enough shows in the browser: the end-to-end suite fails on any CSP violation.
  });
});

describe('the local console site', () => {
  it('serves index.html and config.json uncached, with the CloudFront headers', async () => {
    const index = await get('/console/');
    expect(index.statusCode).toBe(200);
    expect(index.headers?.['cache-control']).toBe('no-cache');
    expect(index.headers?.['content-security-policy']).toContain("script-src 'self';");
    expect(index.headers?.['x-frame-options']).toBe('DENY');
    const served = await get('/console/config.json');
    expect(ConsoleConfigSchema.parse(JSON.parse(served.body))).toEqual(config);
  });

  it('serves only the built files: no path climbs out of the build directory', async () => {
    for (const pathname of [
      '/console/../package.json',
      '/console/assets/../../index.html',
      '/console/src/main.tsx',
    ]) {
      expect((await get(pathname)).statusCode).toBe(404);
    }
    expect((await site('POST', new URL('https://localhost:8443/console/'))).statusCode).toBe(405);
    expect((await get('/console')).headers?.location).toBe('/console/');
  });

  it('lets scripts reach only the API, the authorization server and the upload storage', () => {
    const policy = consoleContentSecurityPolicy({
      connect: ['https://api.example', 'https://bucket.s3.us-east-1.amazonaws.com'],
      formAction: ['https://login.example'],
    });
    expect(policy).toContain(
      "connect-src 'self' https://api.example https://bucket.s3.us-east-1.amazonaws.com",
    );
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(policy).toContain("frame-ancestors 'none'");
  });
});

describe('console helpers', () => {
  it('turns API error codes into sentences, keeping the detail of a validation error', () => {
    expect(describeError(new ApiError(403, 'forbidden', 'missing permission', 'r1'))).toMatch(/not allowed/);
    expect(describeError(new ApiError(400, 'invalid_request', 'email: invalid', 'r2'))).toMatch(
      /email: invalid$/,
    );
    expect(describeError(new ApiError(418, 'http_418', '', undefined))).toBe('Request failed (HTTP 418).');
  });

  it('writes DICOM person names and dates as people read them', () => {
    expect(personName('Doe^Jane^Q')).toBe('Doe, Jane Q');
    expect(personName('Doe')).toBe('Doe');
    expect(text({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] } }, '00100010')).toBe(
      'Doe, Jane',
    );
    expect(dicomDate('20261124')).toBe('2026-11-24');
  });
});
