import dicomParser from 'dicom-parser';
import { type Client, stowRow } from '../../../scripts/bench/dicomweb';

/** A server that answers each STOW after a random few milliseconds, so requests overlap and finish out of order. */
function fakeServer() {
  const bodies: Buffer[] = [];
  const client: Client = {
    server: { name: 'fake' } as Client['server'],
    largeUploads: 'stow',
    send: async (_method, _url, options) => {
      await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 5));
      bodies.push(options?.body ?? Buffer.alloc(0));
      return { status: 200, size: 100, body: Buffer.alloc(0) };
    },
  };
  return { client, bodies };
}

/** The SOP Instance UID of the one part of a STOW body. */
const sopOf = (body: Buffer) => {
  const file = body.subarray(body.indexOf('\r\n\r\n') + 4, body.lastIndexOf('\r\n--'));
  return dicomParser.parseDicom(new Uint8Array(file)).string('x00080018');
};

describe('the STOW c16 row of the benchmark rounds', () => {
  it('reports megabytes per second from every request it sent, concurrent ones included', async () => {
    const { client, bodies } = fakeServer();
    const figures: Record<string, number> = {};
    const made = await stowRow(client)((label, unit, _higher, value) => {
      figures[`${label.trim()} ${unit}`] = value;
    }, 32);
    expect(made).toBe(32);
    expect(bodies).toHaveLength(32);
    const sentMegabytes = bodies.reduce((sum, body) => sum + body.length, 0) / 1024 / 1024;
    const seconds = 32 / (figures['STOW c16 instances/s'] as number);
    expect(figures['STOW c16 MB/s']).toBeCloseTo(sentMegabytes / seconds, 6);
  });

  it('stores new instances on every run', async () => {
    const { client, bodies } = fakeServer();
    const ignore = () => {};
    await stowRow(client)(ignore, 10);
    await stowRow(client)(ignore, 10);
    const instances = new Set(bodies.map(sopOf));
    expect(instances.has(undefined)).toBe(false);
    expect(instances.size).toBe(20);
  });
});
