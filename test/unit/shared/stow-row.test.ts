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

/** The one part of a STOW body, parsed. */
const partOf = (body: Buffer) => {
  const file = body.subarray(body.indexOf('\r\n\r\n') + 4, body.lastIndexOf('\r\n--'));
  return dicomParser.parseDicom(new Uint8Array(file));
};
const sopOf = (body: Buffer) => partOf(body).string('x00080018');

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

  it("stores studies no read row's search finds, so the rounds leave the read rows' answers as they were", async () => {
    const { client, bodies } = fakeServer();
    await stowRow(client)(() => {}, 45);
    for (const body of bodies) {
      const part = partOf(body);
      // The read rows ask for the data set's patients (BENCH-0000…), names (Bench^Patient…) and 2026 dates.
      expect(part.string('x00100020')).toMatch(/^BENCH-STOW-/);
      expect(part.string('x00100010')?.startsWith('Bench^Patient')).toBe(false);
      expect(part.string('x00080020')?.startsWith('2026')).toBe(false);
    }
  });
});
