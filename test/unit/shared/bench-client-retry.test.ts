import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { client } from '../../../scripts/bench/dicomweb';

/**
 * A server that answers a socket's first request and resets the socket on its second, unanswered: what a
 * client sees when the server closes a kept-alive socket just as a request goes out on it.
 */
async function resettingServer() {
  const seen: string[] = [];
  const served = new WeakMap<object, number>();
  const server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    const count = (served.get(request.socket) ?? 0) + 1;
    served.set(request.socket, count);
    request.resume();
    request.on('end', () => {
      if (count === 2) request.socket.destroy();
      else response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const running = {
    name: 'resetting',
    baseUrl: `http://127.0.0.1:${port}`,
    pids: () => [],
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return { running, seen };
}

describe("the benchmark's client on a kept-alive socket the server reset", () => {
  it('sends an idempotent POST (a STOW of one instance) once more on a fresh socket', async () => {
    const { running, seen } = await resettingServer();
    try {
      const c = client(running, null, null, 'stow');
      expect((await c.send('POST', '/studies', { body: Buffer.from('one') })).status).toBe(200);
      const again = await c.send('POST', '/studies', { body: Buffer.from('two'), idempotent: true });
      expect(again.status).toBe(200);
      expect(seen).toEqual(['POST /studies', 'POST /studies', 'POST /studies']);
    } finally {
      await running.stop();
    }
  });

  it('fails a POST not marked idempotent rather than send it twice', async () => {
    const { running, seen } = await resettingServer();
    try {
      const c = client(running, null, null, 'stow');
      await c.send('POST', '/upload-sessions', { body: Buffer.from('{}') });
      await expect(c.send('POST', '/upload-sessions', { body: Buffer.from('{}') })).rejects.toThrow(
        /socket hang up/,
      );
      expect(seen).toHaveLength(2);
    } finally {
      await running.stop();
    }
  });
});
