import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { HttpResponseSink } from '../../../scripts/local/lambda-streaming';

/** A ServerResponse as far as the sink uses it: headers, writes, end, close. */
function fakeResponse() {
  const response = new EventEmitter() as EventEmitter & {
    writableFinished: boolean;
    destroyed: boolean;
    writeHead: () => void;
    write: () => boolean;
    end: (callback: () => void) => void;
    destroy: () => void;
  };
  response.writableFinished = false;
  response.destroyed = false;
  response.writeHead = () => undefined;
  response.write = () => true;
  // The response flushes later: the handler is done, the client not yet served.
  response.end = (callback) => setTimeout(callback, 50);
  response.destroy = () => {
    response.destroyed = true;
  };
  return response;
}

describe('the local stack’s streaming response', () => {
  it('survives a client that leaves after the handler finished writing (no unhandled error)', async () => {
    const response = fakeResponse();
    const sink = new HttpResponseSink(response as unknown as ServerResponse);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      sink.end(Buffer.from('image bytes'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      response.emit('close');
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    expect(response.destroyed).toBe(true);
  });

  it('still tells a handler that is writing that the client left', async () => {
    const response = fakeResponse();
    const sink = new HttpResponseSink(response as unknown as ServerResponse);
    const seen = new Promise<Error>((resolve) => sink.on('error', resolve));
    sink.write(Buffer.from('first chunk'));
    response.emit('close');
    expect((await seen).message).toBe('client closed the connection');
  });
});
