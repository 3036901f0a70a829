import { Readable } from 'node:stream';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ErrorBody, ErrorCode } from '#schemas/shared/errors';

export interface HttpResult {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A download instead of JSON: sent as is (binary as base64, as API Gateway expects). */
  file?: { contentType: string; fileName?: string; content: Buffer | string };
  /** A body produced while it is sent; only routes marked `response: 'stream'` may return one. */
  stream?: { contentType: string; body: AsyncIterable<Uint8Array> };
}

/** What a streaming function hands to Lambda's response stream: the prelude fields and the body. */
export interface StreamingProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Readable;
}

export const ok = <Body>(body: Body) => ({ statusCode: 200 as const, body });
export const created = <Body>(body: Body) => ({ statusCode: 201 as const, body });
/** Taken on; the work goes on asynchronously (upload ingest). */
export const accepted = <Body>(body: Body) => ({ statusCode: 202 as const, body });
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
  if (result.stream) throw new Error('a streamed body needs a route marked response: stream');
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

/**
 * The same response for a streaming route. Nothing is base64-encoded: the stream carries bytes. A body
 * that fails mid-way is reported through onAbort and then fails the stream, so the client sees a broken
 * transfer rather than a well-formed but truncated one.
 */
export function toStreamingResult(
  result: HttpResult,
  requestId: string,
  onAbort: (error: unknown) => void,
): StreamingProxyResult {
  if (!result.stream) {
    if (result.file && Buffer.isBuffer(result.file.content)) {
      throw new Error('a streaming route sends binary content as a stream, not base64');
    }
    const { statusCode, headers, body } = toApiGatewayResult(result, requestId);
    return { statusCode, headers: headers as Record<string, string>, body };
  }
  return {
    statusCode: result.statusCode,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': result.stream.contentType,
      'x-request-id': requestId,
      ...result.headers,
    },
    body: Readable.from(reportingAbort(result.stream.body, onAbort), { objectMode: false }),
  };
}

/**
 * The source's own iterator, so that destroying the stream releases what the source holds (an open
 * storage read) even when not a byte was read, as when the request fails after the handler.
 */
function reportingAbort(
  source: AsyncIterable<Uint8Array>,
  onAbort: (error: unknown) => void,
): AsyncIterable<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        try {
          return await iterator.next();
        } catch (error) {
          onAbort(error);
          throw error;
        }
      },
      return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
    }),
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
