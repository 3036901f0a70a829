import type { LambdaClient } from '@aws-sdk/client-lambda';
import { FetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import * as z from 'zod';
import { invokeFunctionJson } from '../aws/invoke-function';

/**
 * The JWKS relay [PP-18]: Cognito pools with a domain cannot be reached through the cognito-idp VPC
 * endpoint, so functions in the VPC cannot fetch their pools' public keys. A function outside the VPC,
 * holding nothing but its logs, fetches them for them; they invoke it through the Lambda endpoint. It
 * fetches only the JWKS URLs of PACScribe's own pools (no other URL: it is no general-purpose proxy).
 */

/** Where Cognito publishes a pool's keys, as aws-jwt-verify derives it (the region is the id's prefix). */
export function cognitoJwksUri(userPoolId: string): string {
  const region = userPoolId.split('_')[0];
  if (!region || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new Error('not a Cognito user pool id');
  }
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}/.well-known/jwks.json`;
}

export const JwksRelayRequestSchema = z.strictObject({ jwksUri: z.string().max(2048) });
export type JwksRelayRequest = z.infer<typeof JwksRelayRequestSchema>;
/** The JWKS document exactly as Cognito served it: the verifier parses and checks it itself. */
export const JwksRelayResponseSchema = z.strictObject({ jwks: z.string().min(1) });
export type JwksRelayResponse = z.infer<typeof JwksRelayResponseSchema>;

/** A pool's key set is a few hundred bytes; anything near this is not one. */
export const JWKS_MAX_BYTES = 64 * 1024;

/** The relay was asked for a URL that is not one of the allowed pools' JWKS. */
export class JwksRelayRefusedError extends Error {
  override readonly name = 'JwksRelayRefusedError';
}

/**
 * The relay's decision: the request must name one of the allowed URLs exactly (no prefix, no redirect
 * target, no query); the body is passed on unchanged once it is known to be a JSON key set of sane size.
 */
export async function relayJwks(
  request: unknown,
  allowedUris: ReadonlySet<string>,
  fetchBody: (uri: string) => Promise<string>,
): Promise<JwksRelayResponse> {
  const parsed = JwksRelayRequestSchema.safeParse(request);
  if (!parsed.success || !allowedUris.has(parsed.data.jwksUri)) {
    throw new JwksRelayRefusedError('only the JWKS of the configured user pools is relayed');
  }
  const body = await fetchBody(parsed.data.jwksUri);
  if (new TextEncoder().encode(body).byteLength > JWKS_MAX_BYTES) {
    throw new Error('the JWKS answer is larger than a key set');
  }
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    throw new Error('the JWKS answer is not JSON');
  }
  if (!z.object({ keys: z.array(z.unknown()) }).safeParse(document).success) {
    throw new Error('the JWKS answer has no key list');
  }
  return { jwks: body };
}

/**
 * aws-jwt-verify's Fetcher over the relay: the library's own cache calls it on the first token and again
 * when a token names a key id it has not seen (key rotation), exactly as it would call HTTPS.
 */
export class RelayJwksFetcher implements Fetcher {
  constructor(
    private readonly client: Pick<LambdaClient, 'send'>,
    private readonly functionName: string,
  ) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    const request: JwksRelayRequest = { jwksUri: uri };
    let jwks: string;
    try {
      ({ jwks } = JwksRelayResponseSchema.parse(
        await invokeFunctionJson(this.client, this.functionName, request),
      ));
    } catch (error) {
      // As the library's own HTTPS fetch fails: the verifier then answers 503 (retry), not 401.
      throw new FetchError(uri, error instanceof Error ? error.name : 'the JWKS relay did not answer');
    }
    const bytes = new TextEncoder().encode(jwks);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }
}
