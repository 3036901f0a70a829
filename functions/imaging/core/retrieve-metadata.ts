import type { CustomerPrincipal } from '../../shared/auth/principal';
import { NotFoundError, PayloadTooLargeError } from '../../shared/errors';
import type { ImagingIndex } from './ports';

/** Lambda answers at most 6 MB; larger studies are read series by series. */
const MAX_METADATA_RESPONSE_BYTES = 5 * 1024 * 1024;

/** The metadata prepared at ingest, joined into one DICOM JSON array without re-parsing it. */
export async function retrieveMetadata(
  deps: { index: ImagingIndex },
  principal: CustomerPrincipal,
  study: string,
  series: string | null,
): Promise<string> {
  const documents = await deps.index.listMetadata(principal.orgId, study, series);
  if (documents.length === 0) throw new NotFoundError(series ? 'Series not found.' : 'Study not found.');
  const size = documents.reduce((total, document) => total + Buffer.byteLength(document) + 1, 2);
  if (size > MAX_METADATA_RESPONSE_BYTES) {
    throw new PayloadTooLargeError(
      'The metadata is too large for one response; request it series by series.',
    );
  }
  return `[${documents.join(',')}]`;
}

/**
 * One instance's metadata, as the one-element DICOM JSON array PS3.18 returns for every level, and its
 * PatientID (0010,0020) for the audit record.
 */
export async function retrieveInstanceMetadata(
  deps: { index: ImagingIndex },
  principal: CustomerPrincipal,
  ids: { study: string; series: string; instance: string },
): Promise<{ json: string; patientId: string | null }> {
  const document = await deps.index.getMetadata(principal.orgId, ids.study, ids.series, ids.instance);
  if (document === null) throw new NotFoundError('Instance not found.');
  const patient = (JSON.parse(document) as Record<string, { Value?: unknown[] }>)['00100020']?.Value?.[0];
  return { json: `[${document}]`, patientId: typeof patient === 'string' && patient ? patient : null };
}
