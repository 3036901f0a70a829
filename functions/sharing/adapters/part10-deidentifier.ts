import { dcmjsLibrary } from '../../imaging/core/dicom-dictionary';
import { PayloadTooLargeError } from '../../shared/errors';
import {
  type DeidentifyOptions,
  type DicomJsonDataset,
  deidentifyDataset,
  MAX_DEIDENTIFIED_FILE_BYTES,
  replacementUid,
} from '../core/deidentify';

export { MAX_DEIDENTIFIED_FILE_BYTES } from '../core/deidentify';

const MEDIA_STORAGE_SOP_INSTANCE_UID = '00020003';

async function collect(source: AsyncIterable<Uint8Array>, limit: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > limit) throw new PayloadTooLargeError('A file is too large to de-identify.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * A Part-10 file with the Basic Profile applied to its data set (core/deidentify.ts) and its file meta
 * information's SOP Instance UID replaced the same way, so file and data set still agree.
 */
export async function* deidentifiedPart10(
  source: AsyncIterable<Uint8Array>,
  options: DeidentifyOptions,
): AsyncGenerator<Uint8Array> {
  const bytes = await collect(source, MAX_DEIDENTIFIED_FILE_BYTES);
  const dcmjs = dcmjsLibrary();
  const file = dcmjs.data.DicomMessage.readFile(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const meta = file.meta as DicomJsonDataset;
  const sop = meta[MEDIA_STORAGE_SOP_INSTANCE_UID];
  if (sop?.Value) {
    meta[MEDIA_STORAGE_SOP_INSTANCE_UID] = {
      vr: sop.vr,
      Value: sop.Value.map((uid) => (typeof uid === 'string' ? replacementUid(options.uidKey, uid) : uid)),
    };
  }
  const rewritten = new dcmjs.data.DicomDict(meta);
  rewritten.dict = deidentifyDataset(file.dict as DicomJsonDataset, options);
  yield new Uint8Array(rewritten.write());
}
