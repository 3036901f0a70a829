import { PassThrough, Readable } from 'node:stream';
import archiver from 'archiver';

export interface ZipEntry {
  name: string;
  open: () => Promise<AsyncIterable<Uint8Array>>;
}

/**
 * A ZIP of the entries, produced while it is sent: each entry is opened only when the archive reaches
 * it, so at most one file's read is in flight and nothing is held whole. Stored, not deflated: DICOM
 * pixel data is mostly compressed already, and storing keeps the CPU out of the transfer's way.
 */
export function zipStream(entries: readonly ZipEntry[]): AsyncIterable<Uint8Array> {
  const archive = archiver('zip', { store: true });
  const output = new PassThrough();
  archive.on('error', (error) => output.destroy(error));
  archive.on('warning', (error) => output.destroy(error));
  archive.pipe(output);
  const feed = async () => {
    for (const entry of entries) {
      const source = Readable.from(await entry.open(), { objectMode: false });
      const done = new Promise<void>((resolve, reject) => {
        archive.once('entry', () => resolve());
        source.once('error', reject);
      });
      archive.append(source, { name: entry.name });
      await done;
    }
    await archive.finalize();
  };
  feed().catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))));
  return output;
}
