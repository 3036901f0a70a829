import { randomUUID } from 'node:crypto';
import { DicomUidSchema } from '#schemas/imaging/dicom-uid';
import { InvalidInputError } from '../../shared/errors';
import type { HttpResult } from '../../shared/http/responses';

export const DICOM_JSON = 'application/dicom+json';

/** A UID in a DICOMweb path must be a UID; anything else is a bad request, not a lookup. */
export function pathUid(params: Readonly<Record<string, string>>, name: string): string {
  const parsed = DicomUidSchema.safeParse(params[name]);
  if (!parsed.success)
    throw new InvalidInputError(`${name} is not a DICOM UID.`, [{ path: name, message: 'not a DICOM UID' }]);
  return parsed.data;
}

export const dicomJson = (
  body: unknown,
  statusCode = 200,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  body,
  headers: { 'content-type': DICOM_JSON, ...headers },
});

/** One part per instance, each labelled with its transfer syntax (PS3.18 §8.7.3). */
export function multipartDicom(parts: { bytes: Buffer; transferSyntaxUid: string }[]): HttpResult {
  const boundary = `pacscribe-${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Type: application/dicom; transfer-syntax=${part.transferSyntaxUid}\r\n\r\n`,
      ),
      part.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    statusCode: 200,
    file: {
      contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
      content: Buffer.concat(chunks),
    },
  };
}
