import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { zipStream } from '../../../functions/shared/zip-stream';

async function collect(source: AsyncIterable<Uint8Array>) {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('streamed ZIP downloads', () => {
  it('packs each entry, opening one file at a time in order', async () => {
    const opened: string[] = [];
    let open = 0;
    let mostOpen = 0;
    const entry = (name: string, content: string) => ({
      name,
      open: async () => {
        opened.push(name);
        open += 1;
        mostOpen = Math.max(mostOpen, open);
        return (async function* () {
          yield Buffer.from(content.slice(0, 3));
          yield Buffer.from(content.slice(3));
          open -= 1;
        })();
      },
    });
    const zip = await JSZip.loadAsync(
      await collect(
        zipStream([
          entry('a/1.dcm', 'first file'),
          entry('a/2.dcm', 'second file'),
          entry('b/3.dcm', 'third'),
        ]),
      ),
    );
    expect(opened).toEqual(['a/1.dcm', 'a/2.dcm', 'b/3.dcm']);
    expect(mostOpen).toBe(1);
    expect(await zip.file('a/2.dcm')?.async('string')).toBe('second file');
    expect(await zip.file('b/3.dcm')?.async('string')).toBe('third');
  });

  it('fails the stream when a file fails, rather than ending a truncated archive', async () => {
    const stream = zipStream([
      {
        name: 'broken.dcm',
        open: async () =>
          (async function* () {
            yield Buffer.from('abc');
            throw new Error('digest mismatch');
          })(),
      },
    ]);
    await expect(collect(stream)).rejects.toThrow();
  });

  it('opens nothing before the first chunk is asked for, and releases everything when stopped early', async () => {
    let opened = 0;
    const entries = ['a.dcm', 'b.dcm'].map((name) => ({
      name,
      open: async () => {
        opened += 1;
        return (async function* () {
          yield Buffer.alloc(64 * 1024, 1);
        })();
      },
    }));
    const unread = zipStream(entries)[Symbol.asyncIterator]();
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toBe(0);
    await unread.return?.();
    expect(opened).toBe(0);

    const partly = zipStream(entries)[Symbol.asyncIterator]();
    expect((await partly.next()).done).toBe(false);
    await expect(partly.return?.()).resolves.toEqual({ done: true, value: undefined });
  });

  it('writes ZIP64 records once the entry count passes the classic format (65,535), and Python reads it', async () => {
    const count = 65_600;
    async function* entries() {
      for (let n = 0; n < count; n += 1) {
        yield {
          name: `f/${n}.txt`,
          open: () =>
            (async function* () {
              yield Buffer.from(String(n));
            })(),
        };
      }
    }
    const bytes = await collect(zipStream(entries()));
    // The ZIP64 end of central directory record (PK\x06\x06) and its locator (PK\x06\x07).
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true);
    const dir = mkdtempSync(path.join(tmpdir(), 'zip64-'));
    const file = path.join(dir, 'many.zip');
    writeFileSync(file, bytes);
    const read = spawnSync(
      'python3',
      [
        '-c',
        'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(len(z.infolist()), z.read("f/65599.txt").decode())',
        file,
      ],
      { encoding: 'utf8' },
    );
    rmSync(dir, { recursive: true, force: true });
    expect(read.stdout.trim()).toBe(`${count} 65599`);
  }, 60_000);
});
