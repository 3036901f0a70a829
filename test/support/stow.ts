import { ctInstance, testUid } from './dicom-files';
import { type ApiResponse, callApi, postJson } from './local-client';

/** A STOW-RS request body, as a modality or script sends one: one application/dicom part per file. */
export const STOW_BOUNDARY = 'pacscribe-test-boundary';
export const STOW_CONTENT_TYPE = `multipart/related; type="application/dicom"; boundary=${STOW_BOUNDARY}`;

export function stowBody(files: Buffer[]): Buffer {
  return Buffer.concat([
    ...files.flatMap((file) => [
      Buffer.from(`--${STOW_BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`),
      file,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${STOW_BOUNDARY}--\r\n`),
  ]);
}

/** The SOP Instance UID of a test file (its file meta names it within the first few hundred bytes). */
export const sopOf = (file: Buffer) =>
  /(2\.25\.\d+)/.exec(file.subarray(132, 400).toString('latin1'))?.[1] ?? '';

/** STOW-RS over HTTPS, as a modality would send it. */
export const stow = (token: string, files: Buffer[], path = '/dicomweb/studies'): Promise<ApiResponse> =>
  callApi('POST', path, {
    token,
    body: stowBody(files),
    headers: { 'content-type': STOW_CONTENT_TYPE, accept: 'application/dicom+json' },
  });

/** One stored study (a single CT instance) and one open upload session of an organization, by id. */
export async function storedStudyAndSession(
  token: string,
  options: { patientName?: string; patientId?: string } = {},
) {
  const [study, series, instance] = [testUid(), testUid(), testUid()];
  const file = ctInstance({
    studyInstanceUid: study,
    seriesInstanceUid: series,
    sopInstanceUid: instance,
    ...options,
  });
  const stored = await stow(token, [file]);
  if (stored.status !== 200) throw new Error(`STOW failed: ${stored.status} ${stored.text}`);
  const session = await postJson(
    '/dicomweb/upload-sessions',
    { totalBytes: 1024, contentType: 'application/dicom' },
    token,
  );
  if (session.status !== 201) throw new Error(`upload session failed: ${session.status} ${session.text}`);
  return {
    study,
    series,
    instance,
    sessionId: session.json().sessionId as string,
    firstPartUrl: session.json().upload.parts[0].url as string,
  };
}
