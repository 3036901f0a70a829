import { JwksRelayFunctionEnvSchema } from '#schemas/accounts/env';
import { cognitoJwksUri, type JwksRelayResponse, relayJwks } from '../../shared/auth/jwks-relay';
import { logFailure } from '../../shared/logger';
import { once } from '../../shared/once';

/** The pools' JWKS URLs, from this function's env: the whole allow-list. */
const allowedUris = /* @__PURE__ */ once(() => {
  const env = JwksRelayFunctionEnvSchema.parse(process.env);
  return new Set([cognitoJwksUri(env.CUSTOMER_USER_POOL_ID), cognitoJwksUri(env.SUPPORT_USER_POOL_ID)]);
});

/** HTTPS GET of an allowed URL; a redirect is an error, so the answer always comes from that URL. */
async function fetchJwksBody(uri: string): Promise<string> {
  const response = await fetch(uri, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`the JWKS URL answered ${response.status}`);
  return response.text();
}

/**
 * The JWKS relay, outside the VPC (functions/shared/auth/jwks-relay.ts): invoked by functions in the VPC
 * through the Lambda endpoint with `{ jwksUri }`, answers `{ jwks }`. A refusal or failure is thrown, so
 * the caller sees a function error and its verifier fails closed.
 */
export const handler = async (event: unknown): Promise<JwksRelayResponse> => {
  try {
    return await relayJwks(event, allowedUris(), fetchJwksBody);
  } catch (error) {
    logFailure('JWKS not relayed', error);
    throw error;
  }
};
