import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

/**
 * The part of the Lambda Node.js runtime's `awslambda` global that response streaming uses, for the
 * in-process local stack and tests: `streamifyResponse` marks a handler as streaming (the runtime then
 * calls it as (event, responseStream, context)), and `HttpResponseStream.from` attaches the HTTP status
 * and headers (the "prelude" API Gateway reads before the body).
 */
export interface HttpPrelude {
  statusCode?: number;
  headers?: Record<string, string>;
}

export type StreamingHandler = (
  event: unknown,
  responseStream: Writable,
  context: unknown,
) => Promise<unknown>;

/** The runtime-provided global (its types come from @types/aws-lambda; outside Lambda it is absent). */
interface LambdaStreamingGlobal {
  streamifyResponse(handler: StreamingHandler): StreamingHandler;
  HttpResponseStream: { from(stream: Writable, prelude: HttpPrelude): Writable };
}
const runtimeGlobal = globalThis as unknown as { awslambda?: LambdaStreamingGlobal };

/** The marker the Node.js runtime itself sets on streaming handlers. */
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const ACCEPT_PRELUDE = Symbol('accept-prelude');

interface PreludeSink {
  [ACCEPT_PRELUDE]?: (prelude: HttpPrelude) => void;
}

/**
 * Installs the stand-in members unless a real runtime (or an earlier call) provides them. Member by
 * member: other libraries create `awslambda` too (the invoke store behind Powertools adds InvokeStore).
 */
export function installLambdaStreamingShim(): void {
  runtimeGlobal.awslambda ??= {} as LambdaStreamingGlobal;
  const target = runtimeGlobal.awslambda;
  target.streamifyResponse ??= (handler) => Object.assign(handler, { [STREAMING]: 'response' });
  target.HttpResponseStream ??= {
    from: (stream, prelude) => {
      (stream as Writable & PreludeSink)[ACCEPT_PRELUDE]?.(prelude);
      return stream;
    },
  };
}

export const isStreamingHandler = (handler: unknown): handler is StreamingHandler =>
  typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[STREAMING] === 'response';

/**
 * A response stream that writes into a Node HTTP response: the prelude becomes the status line and
 * headers, body chunks are written with backpressure, and a stream that fails is cut off mid-body
 * (the socket is destroyed), as a failed Lambda stream is, so the client sees a broken transfer.
 */
export class HttpResponseSink extends Writable implements PreludeSink {
  private started = false;

  constructor(private readonly response: ServerResponse) {
    super();
    // A client that goes away stops the handler's reads instead of letting them run to the end.
    response.on('close', () => {
      if (!response.writableFinished) this.destroy(new Error('client closed the connection'));
    });
    // A handler that has finished writing no longer listens; a client leaving then (a browser tab closed
    // while an image was in flight) must not become an unhandled 'error' that stops the whole local stack.
    this.on('error', () => undefined);
  }

  [ACCEPT_PRELUDE](prelude: HttpPrelude): void {
    if (this.started) return;
    this.started = true;
    this.response.writeHead(prelude.statusCode ?? 200, prelude.headers ?? {});
  }

  private start(): void {
    // Lambda's own default when a function writes without a prelude.
    this[ACCEPT_PRELUDE]({ statusCode: 200, headers: { 'content-type': 'application/octet-stream' } });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.start();
    if (chunk.length === 0 || this.response.write(chunk)) callback();
    else this.response.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.start();
    this.response.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error && !this.response.writableFinished) this.response.destroy();
    callback(error);
  }
}

/** A response stream that keeps what a streaming handler wrote, for tests: prelude, bytes, and whether it failed. */
export class CollectingResponseStream extends Writable implements PreludeSink {
  prelude: HttpPrelude | null = null;
  readonly chunks: Buffer[] = [];
  failure: Error | null = null;

  [ACCEPT_PRELUDE](prelude: HttpPrelude): void {
    this.prelude ??= prelude;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.failure ??= error;
    callback(error);
  }
}
