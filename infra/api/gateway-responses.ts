import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { gatewayErrorCorsHeaders } from '#functions/shared/http/cors';
import type { ErrorCode } from '#schemas/shared/errors';

/**
 * Errors API Gateway answers itself (before any Lambda runs) in the same body shape as the handlers
 * (schemas/shared/errors.ts), so clients parse one error format.
 */
const GATEWAY_ERRORS: readonly { type: apigw.ResponseType; code: ErrorCode; statusCode?: string }[] = [
  { type: apigw.ResponseType.DEFAULT_4XX, code: 'invalid_request' },
  { type: apigw.ResponseType.DEFAULT_5XX, code: 'internal_error' },
  { type: apigw.ResponseType.UNAUTHORIZED, code: 'unauthenticated', statusCode: '401' },
  { type: apigw.ResponseType.EXPIRED_TOKEN, code: 'unauthenticated', statusCode: '401' },
  { type: apigw.ResponseType.INVALID_SIGNATURE, code: 'unauthenticated', statusCode: '401' },
  { type: apigw.ResponseType.ACCESS_DENIED, code: 'forbidden', statusCode: '403' },
  { type: apigw.ResponseType.WAF_FILTERED, code: 'forbidden', statusCode: '403' },
  // API Gateway reports an unknown path or method as a missing token (403); to a client it is a 404.
  { type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, code: 'not_found', statusCode: '404' },
  { type: apigw.ResponseType.RESOURCE_NOT_FOUND, code: 'not_found', statusCode: '404' },
  { type: apigw.ResponseType.BAD_REQUEST_BODY, code: 'invalid_request', statusCode: '400' },
  { type: apigw.ResponseType.BAD_REQUEST_PARAMETERS, code: 'invalid_request', statusCode: '400' },
  { type: apigw.ResponseType.REQUEST_TOO_LARGE, code: 'payload_too_large', statusCode: '413' },
  { type: apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, code: 'unsupported_media_type', statusCode: '415' },
  { type: apigw.ResponseType.INTEGRATION_FAILURE, code: 'dependency_unavailable', statusCode: '502' },
  { type: apigw.ResponseType.INTEGRATION_TIMEOUT, code: 'dependency_unavailable', statusCode: '504' },
];

/** Headers every gateway-generated response carries; the handlers' middleware sets the same ones. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': "'application/json'",
  'Strict-Transport-Security': "'max-age=63072000; includeSubDomains'",
  'X-Content-Type-Options': "'nosniff'",
  'Cache-Control': "'no-store'",
};

/** Gateway responses take static header values, quoted. */
const quoted = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, `'${value}'`]));

/** `consoleOrigin`: named on every gateway error, so the console can read them (functions/shared/http/cors.ts). */
export function addGatewayResponses(api: apigw.RestApi, consoleOrigin: string): void {
  const headers = { ...SECURITY_HEADERS, ...quoted(gatewayErrorCorsHeaders(consoleOrigin)) };
  for (const { type, code, statusCode } of GATEWAY_ERRORS) {
    api.addGatewayResponse(`GatewayResponse-${type.responseType}`, {
      type,
      statusCode,
      responseHeaders: headers,
      templates: {
        'application/json': `{"error":{"code":"${code}","message":$context.error.messageString,"requestId":"$context.requestId"}}`,
      },
    });
  }
}
