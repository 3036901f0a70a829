import { createHash } from 'node:crypto';
import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import {
  FetchError,
  JwksNotAvailableInCacheError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { type Jwks, SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { LRUCache } from 'lru-cache';
import { DependencyUnavailableError, UnauthenticatedError } from '../errors';
import type { VerifiedToken } from './principal';

export interface TokenVerifier {
  /** Verifies an access token from either pool; throws UnauthenticatedError for anything else. */
  verify(token: string): Promise<VerifiedToken>;
}

export interface PoolTrust {
  pool: VerifiedToken['pool'];
  userPoolId: string;
  clientIds: string[];
}

export interface JwtVerifierLike {
  verify(token: string): Promise<JwtPayload>;
}

function toVerifiedToken(pool: VerifiedToken['pool'], payload: JwtPayload): VerifiedToken {
  const subject = payload.sub;
  const clientId = payload.client_id;
  if (typeof subject !== 'string' || typeof clientId !== 'string' || typeof payload.iat !== 'number') {
    throw new UnauthenticatedError('The token is missing required claims.');
  }
  const groups = Array.isArray(payload['cognito:groups'])
    ? payload['cognito:groups'].filter((group): group is string => typeof group === 'string')
    : [];
  return { subject, pool, issuedAt: new Date(payload.iat * 1000), clientId, groups };
}

/**
 * The pool's key set could not be had (Cognito or the JWKS relay did not answer, or the library waits
 * before fetching again): the token was not judged, so the caller is told to retry, not to sign in again.
 */
const keysUnavailable = (error: unknown) =>
  error instanceof FetchError ||
  error instanceof WaitPeriodNotYetEndedJwkError ||
  error instanceof JwksNotAvailableInCacheError;

/** Tokens a function instance remembers as verified; a viewer's burst of frame requests reuses one token. */
export const VERIFIED_TOKENS_REMEMBERED = 1_000;

/**
 * One verifier per pool, so a token always maps back to the population it came from.
 *
 * A token that verified is remembered until its own expiry, keyed by a SHA-256 of its exact bytes (so no
 * bearer token is kept, and any other bytes are checked afresh): signature, issuer, client and expiry are
 * facts of those bytes, so the answer cannot change before `exp`. Revocation is not one of them and is
 * unaffected: each request still compares the token's issue time with its member's `tokensValidAfter`.
 * A refusal is never remembered.
 */
export function fromVerifiers(
  verifiers: { pool: VerifiedToken['pool']; verifier: JwtVerifierLike }[],
): TokenVerifier {
  const verified = new LRUCache<string, { token: VerifiedToken; expiresAtMs: number }>({
    max: VERIFIED_TOKENS_REMEMBERED,
  });
  return {
    async verify(token) {
      const key = createHash('sha256').update(token).digest('base64url');
      const remembered = verified.get(key);
      if (remembered && Date.now() < remembered.expiresAtMs) return remembered.token;
      let unavailable = false;
      for (const { pool, verifier } of verifiers) {
        let payload: JwtPayload;
        try {
          payload = await verifier.verify(token);
        } catch (error) {
          if (error instanceof UnauthenticatedError) throw error;
          unavailable ||= keysUnavailable(error);
          continue;
        }
        const result = Object.freeze(toVerifiedToken(pool, payload));
        if (typeof payload.exp === 'number')
          verified.set(key, { token: result, expiresAtMs: payload.exp * 1000 });
        return result;
      }
      if (unavailable) {
        throw new DependencyUnavailableError('Sign-in could not be checked just now; please retry.');
      }
      throw new UnauthenticatedError('The access token is not valid.');
    },
  };
}

/**
 * In AWS: Cognito access tokens, checked for issuer, client id, token use, expiry and RS256 signature.
 * `jwksFetcher` replaces HTTPS for the pools' keys (the JWKS relay, for functions in the VPC); the
 * library's cache still decides when to fetch (first token, unknown key id), so key rotation works alike.
 */
export function cognitoTokenVerifier(trusts: PoolTrust[], jwksFetcher?: Fetcher): TokenVerifier {
  const additional = jwksFetcher ? { jwksCache: new SimpleJwksCache({ fetcher: jwksFetcher }) } : undefined;
  return fromVerifiers(
    trusts.map((trust) => ({
      pool: trust.pool,
      verifier: CognitoJwtVerifier.create(
        { userPoolId: trust.userPoolId, tokenUse: 'access', clientId: trust.clientIds },
        additional,
      ),
    })),
  );
}

/** A pooled keep-alive socket the server has just closed fails once ("fetch failed"); a retry opens a new one. */
async function fetchJwks(url: string, attempts = 3): Promise<Jwks> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      return (await response.json()) as Jwks;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/**
 * Locally: the Cognito stand-in issues from http://host:port/<pool>, which CognitoJwtVerifier does not
 * accept, so the same checks run through JwtRsaVerifier with the JWKS fetched once and cached.
 */
export async function localCognitoTokenVerifier(
  issuerBaseUrl: string,
  trusts: PoolTrust[],
): Promise<TokenVerifier> {
  const verifiers = await Promise.all(
    trusts.map(async (trust) => {
      const issuer = `${issuerBaseUrl}/${trust.userPoolId}`;
      const verifier = JwtRsaVerifier.create({
        issuer,
        audience: null,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        customJwtCheck: ({ payload }) => {
          if (payload.token_use !== 'access') throw new Error('not an access token');
          if (typeof payload.client_id !== 'string' || !trust.clientIds.includes(payload.client_id)) {
            throw new Error('client not allowed');
          }
        },
      });
      verifier.cacheJwks(await fetchJwks(`${issuer}/.well-known/jwks.json`));
      return { pool: trust.pool, verifier };
    }),
  );
  return fromVerifiers(verifiers);
}
