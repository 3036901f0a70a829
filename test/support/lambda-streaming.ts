import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  CollectingResponseStream,
  installLambdaStreamingShim,
  isStreamingHandler,
} from '../../scripts/local/lambda-streaming';

export { installLambdaStreamingShim };

/** What a client would receive, whichever way the function answered. */
export interface InvokedResponse {
  statusCode: number;
  headers: Record<string, string>;
  bytes: Buffer;
  body: string;
  /** The stream failed after it started: the client sees a broken transfer. */
  aborted: boolean;
}

/**
 * Calls an HTTP handler the way Lambda does: buffered handlers with (event, context), streaming ones
 * (routes marked `response: 'stream'`) with a response stream. Install the shim before the handler is built.
 */
export async function invokeHttpHandler(
  handler: unknown,
  event: APIGatewayProxyEvent,
  context: Context,
): Promise<InvokedResponse> {
  if (isStreamingHandler(handler)) {
    const stream = new CollectingResponseStream();
    const aborted = await handler(event, stream, context).then(
      () => false,
      () => true,
    );
    const bytes = Buffer.concat(stream.chunks);
    return {
      statusCode: stream.prelude?.statusCode ?? 200,
      headers: stream.prelude?.headers ?? {},
      bytes,
      body: bytes.toString('utf8'),
      aborted,
    };
  }
  const result = (await (handler as (e: unknown, c: Context) => Promise<APIGatewayProxyResult>)(
    event,
    context,
  )) as APIGatewayProxyResult;
  const bytes = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body);
  return {
    statusCode: result.statusCode,
    headers: (result.headers ?? {}) as Record<string, string>,
    bytes,
    body: bytes.toString('utf8'),
    aborted: false,
  };
}
