import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ErrorBody, ErrorCode } from '#schemas/shared/errors';

export interface HttpResult {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A download instead of JSON: sent as is (binary as base64, as API Gateway expects). */
  file?: { contentType: string; fileName?: string; content: Buffer | string };
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

/** Filenames are chosen by the server and quoted per RFC 6266, so nothing user-typed reaches the header. */
export const download = (
  contentType: string,
  fileName: string,
  content: Buffer | string,
  headers = {},
): HttpResult => ({
  statusCode: 200,
  headers,
  file: { contentType, fileName, content },
});

export function toApiGatewayResult(result: HttpResult, requestId: string): APIGatewayProxyResult {
  if (result.file) {
    const binary = Buffer.isBuffer(result.file.content);
    return {
      statusCode: result.statusCode,
      headers: {
        ...SECURITY_HEADERS,
        'content-type': result.file.contentType,
        ...(result.file.fileName
          ? {
              'content-disposition': `attachment; filename="${result.file.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
            }
          : {}),
        'x-request-id': requestId,
        ...result.headers,
      },
      body: binary ? (result.file.content as Buffer).toString('base64') : (result.file.content as string),
      isBase64Encoded: binary,
    };
  }
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
