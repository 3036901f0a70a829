import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { FetchError } from 'aws-jwt-verify/error';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../../functions/accounts/handlers/relay-jwks';
import {
  cognitoJwksUri,
  JWKS_MAX_BYTES,
  JwksRelayRefusedError,
  RelayJwksFetcher,
  relayJwks,
} from '../../../../functions/shared/auth/jwks-relay';
import { cognitoTokenVerifier } from '../../../../functions/shared/auth/token-verifier';
import { DependencyUnavailableError, UnauthenticatedError } from '../../../../functions/shared/errors';
import { cognitoAccessClaims, rs256Token, rsaSigningKey } from '../../../support/tokens';

const CUSTOMERS = 'us-east-1_Customers1';
const SUPPORT = 'us-east-1_Support12';
const customersUri = `https://cognito-idp.us-east-1.amazonaws.com/${CUSTOMERS}/.well-known/jwks.json`;
const supportUri = `https://cognito-idp.us-east-1.amazonaws.com/${SUPPORT}/.well-known/jwks.json`;
const allowed = new Set([customersUri, supportUri]);
const JWKS_BODY = '{"keys":[{"kid":"k1","kty":"RSA","n":"AQAB","e":"AQAB"}]}';

const payloadOf = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));

describe('JWKS relay: the relay decides', () => {
  it("[PP-18] builds the pools' JWKS URLs the way aws-jwt-verify does (region from the pool id)", () => {
    expect(cognitoJwksUri(CUSTOMERS)).toBe(customersUri);
    expect(cognitoJwksUri('eu-central-1_Abc')).toBe(
      'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc/.well-known/jwks.json',
    );
    expect(() => cognitoJwksUri('evil.example/x_Abc')).toThrow();
  });

  it('[PP-18] relays the body of an allowed URL unchanged', async () => {
    const fetchBody = jest.fn(async () => JWKS_BODY);
    await expect(relayJwks({ jwksUri: supportUri }, allowed, fetchBody)).resolves.toEqual({
      jwks: JWKS_BODY,
    });
    expect(fetchBody).toHaveBeenCalledWith(supportUri);
  });

  it.each([
    ['another host', 'https://169.254.169.254/latest/meta-data/'],
    ['another pool', 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other/.well-known/jwks.json'],
    ['a query added', `${customersUri}?x=1`],
    ['a fragment added', `${customersUri}#x`],
    ['plain HTTP', customersUri.replace('https:', 'http:')],
    ['a path suffix', `${customersUri}/../../x`],
    ['upper case', customersUri.toUpperCase()],
  ])('[PP-18] refuses %s without fetching anything (no SSRF)', async (_case, jwksUri) => {
    const fetchBody = jest.fn(async () => JWKS_BODY);
    await expect(relayJwks({ jwksUri }, allowed, fetchBody)).rejects.toBeInstanceOf(JwksRelayRefusedError);
    expect(fetchBody).not.toHaveBeenCalled();
  });

  it.each([
    ['no object', 'x'],
    ['null', null],
    ['no uri', {}],
    ['a uri that is no string', { jwksUri: 42 }],
    ['extra fields (headers, method)', { jwksUri: customersUri, method: 'POST' }],
  ])('[PP-18] refuses a malformed request: %s', async (_case, request) => {
    const fetchBody = jest.fn(async () => JWKS_BODY);
    await expect(relayJwks(request, allowed, fetchBody)).rejects.toBeInstanceOf(JwksRelayRefusedError);
    expect(fetchBody).not.toHaveBeenCalled();
  });

  it.each([
    ['not JSON', '<html>error</html>'],
    ['JSON without a key list', '{"error":"x"}'],
    ['larger than a key set', `{"keys":[],"pad":"${'x'.repeat(JWKS_MAX_BYTES)}"}`],
  ])('fails on an answer that is %s', async (_case, body) => {
    await expect(relayJwks({ jwksUri: customersUri }, allowed, async () => body)).rejects.toThrow(
      /JWKS answer/,
    );
  });

  it('passes a fetch failure on as an error', async () => {
    await expect(
      relayJwks({ jwksUri: customersUri }, allowed, async () => {
        throw new Error('fetch failed');
      }),
    ).rejects.toThrow('fetch failed');
  });
});

describe('JWKS relay: the handler', () => {
  const saved = { ...process.env };
  let fetchSpy: jest.SpyInstance;
  beforeEach(() => {
    process.env.CUSTOMER_USER_POOL_ID = CUSTOMERS;
    process.env.SUPPORT_USER_POOL_ID = SUPPORT;
    fetchSpy = jest.spyOn(globalThis, 'fetch');
  });
  afterEach(() => {
    fetchSpy.mockRestore();
    process.env = { ...saved };
  });

  it("[PP-18] fetches only the configured pools' URLs, refusing redirects", async () => {
    fetchSpy.mockResolvedValue(new Response(JWKS_BODY, { status: 200 }));
    await expect(handler({ jwksUri: customersUri })).resolves.toEqual({ jwks: JWKS_BODY });
    expect(fetchSpy).toHaveBeenCalledWith(customersUri, expect.objectContaining({ redirect: 'error' }));
    await expect(handler({ jwksUri: 'https://example.com/.well-known/jwks.json' })).rejects.toBeInstanceOf(
      JwksRelayRefusedError,
    );
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it("throws when Cognito's answer is not a success", async () => {
    fetchSpy.mockResolvedValue(new Response('nope', { status: 503 }));
    await expect(handler({ jwksUri: supportUri })).rejects.toThrow('503');
  });
});

describe('JWKS relay: the fetcher in the VPC', () => {
  const lambda = mockClient(LambdaClient);
  beforeEach(() => lambda.reset());

  it('invokes the relay with the URI and hands the body back as bytes', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payloadOf({ jwks: JWKS_BODY }) as never });
    const body = await new RelayJwksFetcher(new LambdaClient({}), 'relay-fn').fetch(customersUri);
    expect(new TextDecoder().decode(body)).toBe(JWKS_BODY);
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.FunctionName).toBe('relay-fn');
    expect(input?.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual({
      jwksUri: customersUri,
    });
  });

  it('fails when the relay refused or failed (a function error), never reading its error as a key set', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payloadOf({ errorType: 'JwksRelayRefusedError', errorMessage: 'refused' }) as never,
    });
    // Handed to the verifier as the library's own fetch failure would be, never as a key set.
    await expect(
      new RelayJwksFetcher(new LambdaClient({}), 'relay-fn').fetch(customersUri),
    ).rejects.toBeInstanceOf(FetchError);
  });

  it('fails on an answer that is not the relay response', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payloadOf({ keys: [] }) as never });
    await expect(
      new RelayJwksFetcher(new LambdaClient({}), 'relay-fn').fetch(customersUri),
    ).rejects.toThrow();
    lambda.on(InvokeCommand).rejects(new Error('throttled'));
    await expect(
      new RelayJwksFetcher(new LambdaClient({}), 'relay-fn').fetch(customersUri),
    ).rejects.toBeInstanceOf(FetchError);
  });

  it('answers "retry" (503), not "sign in again" (401), while the relay cannot give the keys', async () => {
    lambda.on(InvokeCommand).rejects(new Error('TooManyRequestsException'));
    const verifier = cognitoTokenVerifier(
      [{ pool: 'customers', userPoolId: CUSTOMERS, clientIds: ['client-1'] }],
      new RelayJwksFetcher(new LambdaClient({}), 'relay-fn'),
    );
    const token = rs256Token(rsaSigningKey('key-1').privateKey, 'key-1', cognitoAccessClaims(CUSTOMERS));
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(DependencyUnavailableError);
    // A token no pool issued is still refused as invalid, without asking the relay.
    await expect(verifier.verify('not.a.token')).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('[PP-18] the verifier checks tokens with keys from the relay, and refetches on an unknown key id (rotation)', async () => {
    const first = rsaSigningKey('key-1');
    const rotated = rsaSigningKey('key-2');
    let served = [first.jwk];
    lambda.on(InvokeCommand).callsFake(() => ({
      StatusCode: 200,
      Payload: payloadOf({ jwks: JSON.stringify({ keys: served }) }),
    }));
    const verifier = cognitoTokenVerifier(
      [{ pool: 'customers', userPoolId: CUSTOMERS, clientIds: ['client-1'] }],
      new RelayJwksFetcher(new LambdaClient({}), 'relay-fn'),
    );
    const claims = cognitoAccessClaims(CUSTOMERS);
    await expect(verifier.verify(rs256Token(first.privateKey, 'key-1', claims))).resolves.toMatchObject({
      subject: 'user-1',
      pool: 'customers',
    });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
    served = [first.jwk, rotated.jwk];
    await expect(verifier.verify(rs256Token(rotated.privateKey, 'key-2', claims))).resolves.toMatchObject({
      subject: 'user-1',
    });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(2);
    // A token signed by a key the pool never published is refused.
    const stranger = rsaSigningKey('key-2');
    await expect(verifier.verify(rs256Token(stranger.privateKey, 'key-2', claims))).rejects.toThrow();
  });
});
