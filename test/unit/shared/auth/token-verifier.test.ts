import { FetchError } from 'aws-jwt-verify/error';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import {
  cognitoTokenVerifier,
  fromVerifiers,
  VERIFIED_TOKENS_REMEMBERED,
} from '../../../../functions/shared/auth/token-verifier';
import { DependencyUnavailableError, UnauthenticatedError } from '../../../../functions/shared/errors';
import { cognitoAccessClaims, rs256Token, rsaSigningKey, withPayload } from '../../../support/tokens';

const NOW_S = Date.parse('2026-12-05T03:00:00Z') / 1000;

/** A pool's verifier that counts its checks: a token is valid when it starts with "good", until `exp`. */
function countingPool(expiresAt = NOW_S + 300) {
  const pool = {
    checks: 0,
    failWith: null as Error | null,
    async verify(token: string): Promise<JwtPayload> {
      pool.checks += 1;
      if (pool.failWith) throw pool.failWith;
      if (!token.startsWith('good') || Date.now() >= expiresAt * 1000) throw new Error('invalid');
      return {
        sub: token,
        client_id: 'client-1',
        iat: NOW_S,
        exp: expiresAt,
        token_use: 'access',
      } as JwtPayload;
    },
  };
  return pool;
}

describe('token verifier: verified tokens remembered until they expire', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW_S * 1000 }));
  afterEach(() => jest.useRealTimers());

  it('checks a token once and answers its repeats from memory, with the same claims', async () => {
    const pool = countingPool();
    const verifier = fromVerifiers([{ pool: 'customers', verifier: pool }]);
    const first = await verifier.verify('good-1');
    for (let i = 0; i < 5; i += 1) await expect(verifier.verify('good-1')).resolves.toEqual(first);
    expect(pool.checks).toBe(1);
    expect(first).toMatchObject({ subject: 'good-1', pool: 'customers', clientId: 'client-1' });
    await verifier.verify('good-2');
    expect(pool.checks).toBe(2);
  });

  it('checks again once the token has expired, and then refuses it', async () => {
    const pool = countingPool(NOW_S + 300);
    const verifier = fromVerifiers([{ pool: 'customers', verifier: pool }]);
    await verifier.verify('good-1');
    jest.setSystemTime((NOW_S + 299) * 1000);
    await verifier.verify('good-1');
    expect(pool.checks).toBe(1);
    jest.setSystemTime((NOW_S + 300) * 1000);
    await expect(verifier.verify('good-1')).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(pool.checks).toBe(2);
  });

  it('never remembers a refusal: a token refused while the keys were unreachable verifies once they answer', async () => {
    const pool = countingPool();
    const verifier = fromVerifiers([{ pool: 'customers', verifier: pool }]);
    pool.failWith = new FetchError('https://cognito.example/jwks.json', 'unreachable');
    await expect(verifier.verify('good-1')).rejects.toBeInstanceOf(DependencyUnavailableError);
    pool.failWith = null;
    await expect(verifier.verify('good-1')).resolves.toMatchObject({ subject: 'good-1' });
    await expect(verifier.verify('bad-1')).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(verifier.verify('bad-1')).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(pool.checks).toBe(4);
  });

  it(`remembers at most ${VERIFIED_TOKENS_REMEMBERED} tokens: the least recently used is checked again`, async () => {
    const pool = countingPool();
    const verifier = fromVerifiers([{ pool: 'customers', verifier: pool }]);
    for (let i = 0; i <= VERIFIED_TOKENS_REMEMBERED; i += 1) await verifier.verify(`good-${i}`);
    expect(pool.checks).toBe(VERIFIED_TOKENS_REMEMBERED + 1);
    await verifier.verify(`good-${VERIFIED_TOKENS_REMEMBERED}`);
    expect(pool.checks).toBe(VERIFIED_TOKENS_REMEMBERED + 1);
    await verifier.verify('good-0');
    expect(pool.checks).toBe(VERIFIED_TOKENS_REMEMBERED + 2);
  });

  it('keeps each token to the pool that issued it', async () => {
    const customers = countingPool();
    const support = countingPool();
    customers.failWith = new Error('another issuer');
    const verifier = fromVerifiers([
      { pool: 'customers', verifier: customers },
      { pool: 'support', verifier: support },
    ]);
    await expect(verifier.verify('good-s')).resolves.toMatchObject({ pool: 'support' });
    await expect(verifier.verify('good-s')).resolves.toMatchObject({ pool: 'support' });
    expect(support.checks).toBe(1);
  });
});

describe('token verifier: real RS256 tokens through the cache', () => {
  const POOL = 'us-east-1_Customers1';
  const key = rsaSigningKey('key-1');

  it('[PP-18] refuses a token whose claims were altered after the genuine one was remembered', async () => {
    const verifier = cognitoTokenVerifier(
      [{ pool: 'customers', userPoolId: POOL, clientIds: ['client-1'] }],
      {
        fetch: async () =>
          new TextEncoder().encode(JSON.stringify({ keys: [key.jwk] })).buffer as ArrayBuffer,
      },
    );
    const genuine = rs256Token(key.privateKey, 'key-1', cognitoAccessClaims(POOL));
    await expect(verifier.verify(genuine)).resolves.toMatchObject({ subject: 'user-1' });
    await expect(verifier.verify(genuine)).resolves.toMatchObject({ subject: 'user-1' });
    const forged = withPayload(genuine, (claims) => {
      claims.sub = 'admin-1';
    });
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
