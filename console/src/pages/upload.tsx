import { useState } from 'react';
import { Button, type DropItem, DropZone, FileTrigger, Text } from 'react-aria-components';
import { Link } from 'wouter';
import {
  MAX_STOW_BODY_BYTES,
  type UploadSessionCreated,
  type UploadSessionView,
} from '../../../schemas/imaging/upload-session';
import { describeError } from '../api/errors';
import { useSession } from '../app-context';
import { ErrorMessage, formatBytes, Notice, PageTitle } from '../components/status';

/** STOW-RS bodies stay under the route's limit, with room for the multipart framing. */
const STOW_BATCH_BYTES = MAX_STOW_BODY_BYTES - 512 * 1024;
const FINISHED = ['completed', 'completed-with-failures', 'failed', 'aborted', 'expired'];

interface Upload {
  /** Position in the selection: names repeat across folders. */
  id: number;
  name: string;
  size: number;
  sent: number;
  status: 'waiting' | 'sending' | 'processing' | 'stored' | 'failed';
  message?: string;
}

async function filesOf(items: readonly DropItem[]): Promise<File[]> {
  const files: File[] = [];
  for (const item of items) {
    if (item.kind === 'file') files.push(await item.getFile());
    else if (item.kind === 'directory') {
      // A dropped folder: every file in it and its subfolders.
      const inner: DropItem[] = [];
      for await (const entry of item.getEntries()) inner.push(entry);
      files.push(...(await filesOf(inner)));
    }
  }
  return files;
}

interface Selected {
  id: number;
  file: File;
}

/** Splits files into STOW-RS batches under the body limit; larger files go through upload sessions. */
function plan(files: Selected[]) {
  const batches: Selected[][] = [];
  const large: Selected[] = [];
  let batch: Selected[] = [];
  let batchBytes = 0;
  for (const selected of files) {
    const { file } = selected;
    if (file.size > STOW_BATCH_BYTES) {
      large.push(selected);
      continue;
    }
    if (batchBytes + file.size > STOW_BATCH_BYTES && batch.length > 0) {
      batches.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(selected);
    batchBytes += file.size;
  }
  if (batch.length > 0) batches.push(batch);
  return { batches, large };
}

/** One part to its presigned S3 URL; XMLHttpRequest because fetch reports no upload progress. */
function putPart(url: string, body: Blob, onProgress: (sent: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => {
      const etag = request.getResponseHeader('ETag');
      if (request.status >= 200 && request.status < 300 && etag) resolve(etag);
      else reject(new Error(`The storage service refused part of the upload (HTTP ${request.status}).`));
    };
    request.onerror = () =>
      reject(new Error('The upload was interrupted. Check the connection and try again.'));
    request.send(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function UploadPage() {
  const { api } = useSession();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const update = (ids: number[], change: Partial<Upload>) =>
    setUploads((current) =>
      current.map((upload) => (ids.includes(upload.id) ? { ...upload, ...change } : upload)),
    );

  const stow = async (batch: Selected[]) => {
    const ids = batch.map((selected) => selected.id);
    update(ids, { status: 'sending' });
    const boundary = `pacscribe-${crypto.randomUUID()}`;
    const parts: BlobPart[] = [];
    for (const { file } of batch)
      parts.push(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, file, '\r\n');
    parts.push(`--${boundary}--\r\n`);
    try {
      const response = await api.raw('POST', '/dicomweb/studies', {
        body: new Blob(parts),
        headers: {
          accept: 'application/dicom+json',
          'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
        },
      });
      const failed =
        response.status === 202 ? ' Some files were refused; see the audit log or try them alone.' : '';
      update(ids, { status: 'stored', sent: 0, message: failed || undefined });
    } catch (failure) {
      // A 409 means every instance was refused (not DICOM, or another organization's UID).
      update(ids, { status: 'failed', message: describeError(failure) });
    }
  };

  const session = async ({ id, file }: Selected) => {
    update([id], { status: 'sending' });
    try {
      const created = await api.post<UploadSessionCreated>('/dicomweb/upload-sessions', {
        totalBytes: file.size,
        contentType: 'application/dicom',
      });
      const { sessionId } = created;
      const sentByPart = new Map<number, number>();
      const etags: { partNumber: number; etag: string }[] = [];
      for (const part of created.upload.parts) {
        const start = (part.partNumber - 1) * created.upload.partSizeBytes;
        const etag = await putPart(part.url, file.slice(start, start + part.sizeBytes), (sent) => {
          sentByPart.set(part.partNumber, sent);
          update([id], { sent: [...sentByPart.values()].reduce((sum, value) => sum + value, 0) });
        });
        etags.push({ partNumber: part.partNumber, etag });
      }
      await api.post(`/dicomweb/upload-sessions/${sessionId}/complete`, { parts: etags });
      update([id], { status: 'processing', sent: file.size });
      for (;;) {
        const status = await api.get<UploadSessionView>(`/dicomweb/upload-sessions/${sessionId}`);
        if (FINISHED.includes(status.status)) {
          const ok = status.counts.stored > 0 && status.counts.failed === 0;
          update([id], {
            status: ok ? 'stored' : 'failed',
            message: ok ? undefined : (status.error ?? 'The file was not accepted as DICOM.'),
          });
          return;
        }
        await sleep(1000);
      }
    } catch (failure) {
      update([id], { status: 'failed', message: describeError(failure) });
    }
  };

  const start = async (files: File[]) => {
    setError(null);
    if (files.length === 0) return;
    setUploads(
      files.map((file, id) => ({ id, name: file.name, size: file.size, sent: 0, status: 'waiting' })),
    );
    setBusy(true);
    try {
      const { batches, large } = plan(files.map((file, id) => ({ id, file })));
      for (const batch of batches) await stow(batch);
      for (const file of large) await session(file);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const stored = uploads.filter((upload) => upload.status === 'stored').length;
  const failed = uploads.filter((upload) => upload.status === 'failed').length;
  return (
    <>
      <PageTitle description="DICOM files or whole folders. Large files go straight to storage in parts.">
        Upload
      </PageTitle>
      <DropZone
        className="drop-zone"
        isDisabled={busy}
        onDrop={async (event) => start(await filesOf(event.items))}
        aria-label="Drop DICOM files or folders here"
      >
        <Text slot="label">Drop DICOM files or folders here, or choose them:</Text>
        <div className="actions">
          <FileTrigger allowsMultiple onSelect={(list) => void start(Array.from(list ?? []))}>
            <Button isDisabled={busy}>Choose files</Button>
          </FileTrigger>
          <FileTrigger acceptDirectory onSelect={(list) => void start(Array.from(list ?? []))}>
            <Button className="secondary" isDisabled={busy}>
              Choose a folder
            </Button>
          </FileTrigger>
        </div>
      </DropZone>
      <ErrorMessage error={error} />
      {uploads.length > 0 ? (
        <section aria-labelledby="progress-heading" className="panel">
          <h2 id="progress-heading">Progress</h2>
          <p role="status" aria-live="polite">
            {busy ? 'Uploading…' : 'Finished.'} {stored} of {uploads.length} stored
            {failed ? `, ${failed} failed` : ''}.
          </p>
          {!busy && stored > 0 ? (
            <Notice>
              The stored studies are under <Link href="/studies">Studies</Link>.
            </Notice>
          ) : null}
          <table className="table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Size</th>
                <th scope="col">Progress</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {uploads.map((upload) => (
                <tr key={upload.id}>
                  <td>{upload.name}</td>
                  <td>{formatBytes(upload.size)}</td>
                  <td>
                    <progress
                      max={upload.size}
                      value={upload.status === 'stored' ? upload.size : upload.sent}
                    >
                      {Math.round((upload.sent / Math.max(1, upload.size)) * 100)}%
                    </progress>
                  </td>
                  <td>
                    {upload.status}
                    {upload.message ? ` — ${upload.message}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
