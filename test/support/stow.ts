import { type ApiResponse, callApi } from './local-client';

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
