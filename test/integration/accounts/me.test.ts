import { readFileSync } from 'node:fs';
import path from 'node:path';
import { callApi, demoUser, localConfig, signIn } from '../../support/local-client';
import { localTables } from '../../support/local-tables';
import {
  decodeJwt,
  hmacToken,
  signWithLocalCognitoKey,
  unsignedToken,
  withPayload,
} from '../../support/tokens';

const tables = localTables();
afterAll(() => tables.close());

describe('GET /v1/me over HTTPS', () => {
  it('[PP-06] each seeded role signs in with its own credentials and sees its own role and permissions', async () => {
    const expected = {
      administrator: [
        'delete',
        'edit',
        'export',
        'manage-billing',
        'manage-users',
        'share',
        'upload',
        'view',
        'view-audit',
      ],
      radiologist: ['edit', 'view', 'write-reports'],
      technologist: ['edit', 'upload', 'view'],
      clinician: ['view'],
    } as const;
    for (const [role, permissions] of Object.entries(expected)) {
      const user = demoUser(role);
      const { accessToken } = await signIn(user.email, user.password);

      const response = await callApi('GET', '/v1/me', { token: accessToken });

      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({
        user: { email: user.email, role },
        organization: { orgId: user.orgId },
      });
      expect([...response.json().permissions].sort()).toEqual([...permissions].sort());
    }
  });

  it('[PP-18] writes an audit record before answering, in the caller organization', async () => {
    const user = demoUser('clinician', 'lakeshore.example');
    const { accessToken } = await signIn(user.email, user.password);
    const before = (await tables.auditRecords(user.orgId ?? '')).length;

    const response = await callApi('GET', '/v1/me', {
      token: accessToken,
      headers: { 'user-agent': 'it-test/1.0' },
    });

    const records = await tables.auditRecords(user.orgId ?? '');
    expect(response.status).toBe(200);
    expect(records).toHaveLength(before + 1);
    expect(records.at(-1)).toMatchObject({
      event: 'account-read',
      action: 'R',
      outcome: 0,
      actor: { kind: 'customer', role: 'clinician' },
      source: { ip: '127.0.0.1', userAgent: 'it-test/1.0' },
      requestId: response.headers['x-request-id'],
    });
  });

  describe('[PP-18] token corpus: every class is refused with 401', () => {
    let valid: { accessToken: string; idToken: string };
    beforeAll(async () => {
      const user = demoUser('radiologist');
      valid = await signIn(user.email, user.password);
    });

    const cases: [string, () => Promise<string | undefined> | string | undefined][] = [
      ['no token', () => undefined],
      ['a malformed token', () => 'not.a.jwt'],
      ['an ID token used as an access token', () => valid.idToken],
      [
        'tampered claims',
        () =>
          withPayload(valid.accessToken, (payload) => {
            payload.sub = 'someone-else';
          }),
      ],
      ['alg none', () => unsignedToken(decodeJwt(valid.accessToken).payload)],
      [
        'HS256 signed with the public key',
        () => {
          const jwks = readFileSync(
            path.resolve(__dirname, '../../../node_modules/cognito-local/lib/keys/cognitoLocal.public.json'),
            'utf8',
          );
          return hmacToken(
            { alg: 'HS256', typ: 'JWT', kid: 'CognitoLocal' },
            decodeJwt(valid.accessToken).payload,
            jwks,
          );
        },
      ],
      [
        'an expired token',
        () => {
          const { header, payload } = decodeJwt(valid.accessToken);
          const past = Math.floor(Date.now() / 1000) - 7200;
          return signWithLocalCognitoKey(header, { ...payload, iat: past, auth_time: past, exp: past + 900 });
        },
      ],
      [
        'a token that is not valid yet',
        () => {
          const { header, payload } = decodeJwt(valid.accessToken);
          return signWithLocalCognitoKey(header, { ...payload, nbf: Math.floor(Date.now() / 1000) + 3600 });
        },
      ],
      [
        'a wrong issuer',
        () => {
          const { header, payload } = decodeJwt(valid.accessToken);
          return signWithLocalCognitoKey(header, {
            ...payload,
            iss: 'https://cognito-idp.us-east-1.amazonaws.com/evil',
          });
        },
      ],
      [
        'a foreign app client',
        () => {
          const { header, payload } = decodeJwt(valid.accessToken);
          return signWithLocalCognitoKey(header, { ...payload, client_id: 'attacker-client' });
        },
      ],
      [
        'a token from the support pool',
        async () => {
          const support = localConfig().users.find((user) => user.role === 'support-engineer');
          if (!support) throw new Error('no support user');
          return (await signIn(support.email, support.password, 'support')).accessToken;
        },
      ],
    ];

    it.each(cases)('%s', async (_label, makeToken) => {
      const token = await makeToken();

      const response = await callApi('GET', '/v1/me', token ? { token } : {});

      expect(response.status).toBe(401);
      expect(response.json().error.code).toBe('unauthenticated');
      expect(response.text).not.toContain('radiologist@');
    });
  });
});
