import { createPrivateKey, createSign } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  GlobalSignOutCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import cognitoLocalPrivateKey from 'cognito-local/lib/keys/cognitoLocal.private.json';
import { callApi, demoUser, localConfig, signIn } from '../../support/local-client';

/**
 * The local stack refuses what AWS refuses: API Gateway's authorizer scope check, a path API Gateway
 * cannot decode, and a sign-out with a token Cognito did not sign.
 */
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** A JWT signed with the Cognito stand-in's own key: what the stand-in would issue with these claims. */
function signedLikeTheStandIn(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', kid: 'CognitoLocal', typ: 'JWT' })}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256')
    .update(unsigned)
    .sign(createPrivateKey({ key: cognitoLocalPrivateKey.jwk, format: 'jwk' }))
    .toString('base64url');
  return `${unsigned}.${signature}`;
}

function cognito() {
  const config = localConfig();
  return new CognitoIdentityProviderClient({
    endpoint: config.cognito.endpoint,
    region: config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

describe('local parity with API Gateway and Cognito', () => {
  it('[PP-18] refuses a validly signed access token that lacks the API scope, as the authorizer does', async () => {
    const user = demoUser('clinician');
    const { accessToken } = await signIn(user.email, user.password);
    const claims = claimsOf(accessToken);
    const withScope = signedLikeTheStandIn(claims);
    const withoutScope = signedLikeTheStandIn({ ...claims, scope: 'openid' });

    expect((await callApi('GET', '/v1/me', { token: withScope })).status).toBe(200);
    const refused = await callApi('GET', '/v1/me', { token: withoutScope });
    expect(refused.status).toBe(401);
    expect(refused.json().error.code).toBe('unauthenticated');
  });

  it('answers a path with malformed percent-escapes 400, not a 5xx', async () => {
    const { accessToken } = await signIn(demoUser('clinician').email, demoUser('clinician').password);
    for (const path of ['/dicomweb/studies/%zz/metadata', '/v1/users/%E0%A4%A', '/dicomweb/studies/1.2%']) {
      const response = await callApi('GET', path, { token: accessToken });
      expect(`${path} ${response.status}`).toBe(`${path} 400`);
      expect(response.json().error.code).toBe('invalid_request');
    }
  });

  it('[PP-18] a forged, unsigned token cannot sign another user out everywhere', async () => {
    const victim = demoUser('radiologist');
    const victimTokens = await signIn(victim.email, victim.password);
    const claims = claimsOf(victimTokens.accessToken);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forgeries = [
      `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`,
      `${victimTokens.accessToken.split('.').slice(0, 2).join('.')}.${Buffer.from('not a signature').toString('base64url')}`,
      victimTokens.idToken,
    ];
    const client = cognito();
    try {
      for (const forged of forgeries) {
        await expect(client.send(new GlobalSignOutCommand({ AccessToken: forged }))).rejects.toMatchObject({
          name: 'NotAuthorizedException',
        });
      }
      // The victim's session survives every attempt.
      expect((await callApi('GET', '/v1/me', { token: victimTokens.accessToken })).status).toBe(200);
      await expect(
        client.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: localConfig().cognito.clientId,
            AuthParameters: { USERNAME: victim.email, PASSWORD: victim.password },
          }),
        ),
      ).resolves.toBeDefined();
    } finally {
      client.destroy();
    }
  });
});
