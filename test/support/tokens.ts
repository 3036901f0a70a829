import { createHmac, createPrivateKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export function decodeJwt(token: string) {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')),
  };
}

/**
 * Signs with the key the local Cognito stand-in ships, to build tokens that are correctly signed
 * but wrong in some other way (expired, foreign issuer, foreign client). Test-only: AWS keys differ.
 */
export function signWithLocalCognitoKey(header: object, payload: object): string {
  const file = path.resolve(__dirname, '../../node_modules/cognito-local/lib/keys/cognitoLocal.private.json');
  const { jwk } = JSON.parse(readFileSync(file, 'utf8'));
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256')
    .update(signingInput)
    .sign(createPrivateKey({ key: jwk, format: 'jwk' }));
  return `${signingInput}.${b64url(signature)}`;
}

export function unsignedToken(payload: object): string {
  return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.`;
}

export function hmacToken(header: object, payload: object, secret: string): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${signingInput}.${b64url(createHmac('sha256', secret).update(signingInput).digest())}`;
}

export function withPayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const decoded = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
  change(decoded);
  return `${header}.${b64url(JSON.stringify(decoded))}.${signature}`;
}

/** A fresh RSA key and its public JWK, as a Cognito pool publishes its keys. */
export function rsaSigningKey(kid: string) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

export function rs256Token(privateKey: KeyObject, kid: string, claims: object): string {
  const signingInput = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(claims))}`;
  return `${signingInput}.${b64url(createSign('RSA-SHA256').update(signingInput).sign(privateKey))}`;
}

/** The claims of an access token from a us-east-1 pool's client-1, issued now, valid five minutes. */
export function cognitoAccessClaims(userPoolId: string, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`,
    sub: 'user-1',
    client_id: 'client-1',
    token_use: 'access',
    iat: now,
    exp: now + 300,
    ...overrides,
  };
}
