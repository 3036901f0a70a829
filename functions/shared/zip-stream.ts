import { PassThrough, Readable } from 'node:stream';
import type archiver from 'archiver';

export interface ZipEntry {
  name: string;
  open: () => Promise<AsyncIterable<Uint8Array>> | AsyncIterable<Uint8Array>;
}

/**
 * A ZIP of the entries, produced while it is sent: nothing is opened before the first chunk is asked
 * for (so a request that fails its audit write reads nothing), each entry is opened only when the archive
 * reaches it, at most one file's read is in flight, and nothing is held whole. Entries may come from an
 * async source (an export decides its entries as it goes); one that throws fails the stream. Entries are
 * stored, not deflated: DICOM pixel data is mostly compressed already. archiver switches to ZIP64 where a
 * size, an offset or the entry count needs it. Stopping early (the client went away, the request
 * failed) aborts the archive and releases the open read.
 */
export function zipStream(entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let started: Promise<AsyncIterator<Uint8Array>> | null = null;
      let archive: archiver.Archiver | null = null;
      let output: PassThrough | null = null;
      let stopped = false;
      const start = async (): Promise<AsyncIterator<Uint8Array>> => {
        // From the vendor layer, loaded by the first archive (infra/shared/vendor-layer-packages.ts).
        const { default: createArchive } = await import('archiver');
        // Stopped while the module loaded: nothing was opened, so there is nothing to release.
        if (stopped) return { next: async () => ({ done: true, value: undefined }) };
        const zip = createArchive('zip', { store: true });
        const out = new PassThrough();
        archive = zip;
        output = out;
        const fail = (error: unknown) => {
          zip.abort();
          out.destroy(error instanceof Error ? error : new Error(String(error)));
        };
        zip.on('error', fail);
        zip.on('warning', fail);
        zip.pipe(out);
        const feed = async () => {
          for await (const entry of entries) {
            if (out.destroyed) return;
            const source = Readable.from(await entry.open(), { objectMode: false });
            const added = new Promise<void>((resolve, reject) => {
              zip.once('entry', () => resolve());
              source.once('error', reject);
            });
            zip.append(source, { name: entry.name });
            await added;
          }
          await zip.finalize();
        };
        feed().catch(fail);
        return out[Symbol.asyncIterator]();
      };
      return {
        next: () => {
          started ??= start();
          return started.then((iterator) => iterator.next());
        },
        return: async () => {
          stopped = true;
          archive?.abort();
          output?.destroy();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
