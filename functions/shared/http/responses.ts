import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ErrorBody, ErrorCode } from '#schemas/shared/errors';

export interface HttpResult {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown): HttpResult => ({ statusCode: 200, body });
export const created = (body: unknown): HttpResult => ({ statusCode: 201, body });
export const noContent = (): HttpResult => ({ statusCode: 204 });

/** Sent with every response: nothing is cached, sniffed or reachable over plain HTTP. */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'referrer-policy': 'no-referrer',
};

export function toApiGatewayResult(result: HttpResult, requestId: string): APIGatewayProxyResult {
  return {
    statusCode: result.statusCode,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': requestId,
      ...result.headers,
    },
    body: result.body === undefined ? '' : JSON.stringify(result.body),
  };
}

export function errorResult(
  statusCode: number,
  code: ErrorCode,
  message: string,
  requestId: string,
  extras: Partial<Pick<ErrorBody['error'], 'issues'>> & { headers?: Record<string, string> } = {},
): HttpResult {
  const body: ErrorBody = {
    error: { code, message, requestId, ...(extras.issues ? { issues: extras.issues } : {}) },
  };
  return { statusCode, body, ...(extras.headers ? { headers: extras.headers } : {}) };
}
