import { connect } from 'node:tls';
import { callApi, localConfig } from '../../support/local-client';

function handshake(version: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'): Promise<string> {
  const url = new URL(localConfig().apiUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: url.hostname,
      port: Number(url.port),
      minVersion: version,
      maxVersion: version,
      // Let the client offer legacy versions, so it is the server that refuses them.
      ciphers: 'DEFAULT@SECLEVEL=0',
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('the local API transport', () => {
  it.each(['TLSv1', 'TLSv1.1'] as const)('[PP-10] refuses a %s handshake', async (version) => {
    await expect(handshake(version)).rejects.toThrow();
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)('[PP-10] accepts a %s handshake', async (version) => {
    await expect(handshake(version)).resolves.toBe(version);
  });

  it('serves GET /health without credentials', async () => {
    const response = await callApi('GET', '/health');

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', version: 'local' });
    expect(response.headers['strict-transport-security']).toContain('max-age=');
  });

  it('serves the OpenAPI 3.1 document generated from the route table', async () => {
    const response = await callApi('GET', '/v1/openapi.json');

    expect(response.status).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/v1/signup', '/v1/me']));
  });

  it('answers unknown paths with 404 and wrong methods with 405, in the error shape', async () => {
    const missing = await callApi('GET', '/v1/nothing-here');
    const wrongMethod = await callApi('DELETE', '/v1/me');

    expect(missing.status).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json().error.code).toBe('method_not_allowed');
  });
});
