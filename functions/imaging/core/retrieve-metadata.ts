import type { OrganizationReader } from '../../shared/auth/principal';
import { NotFoundError, PayloadTooLargeError } from '../../shared/errors';
import { type AttributeEdits, editedDocument, NO_EDITS } from './attribute-edits';
import type { CurrentEdits, ImagingIndex } from './ports';

/** The study's current edits, or none when the caller reads without them (tests of stored metadata). */
const editsOf = (deps: { edits?: CurrentEdits }, orgId: string, study: string): Promise<AttributeEdits> =>
  deps.edits ? deps.edits.currentEdits(orgId, study) : Promise.resolve(NO_EDITS);

/** Lambda answers at most 6 MB; larger studies are read series by series. */
const MAX_METADATA_RESPONSE_BYTES = 5 * 1024 * 1024;

/**
 * The PatientID (0010,0020) of one document serialized at ingest, without parsing the whole document:
 * its attribute object is flat, so it ends at the first closing brace after the key.
 */
export function patientIdOf(document: string): string | null {
  const key = '"00100020":';
  const start = document.indexOf(key);
  if (start < 0) return null;
  const end = document.indexOf('}', start);
  if (end < 0) return null;
  try {
    const value = (JSON.parse(document.slice(start + key.length, end + 1)) as { Value?: unknown[] })
      .Value?.[0];
    return typeof value === 'string' && value ? value : null;
  } catch {
    return null;
  }
}

/**
 * The metadata prepared at ingest, joined into one DICOM JSON array without re-parsing it, and the
 * patients it names, for the audit record.
 */
export async function retrieveMetadata(
  deps: { index: ImagingIndex; edits?: CurrentEdits },
  principal: OrganizationReader,
  study: string,
  series: string | null,
): Promise<{ json: string; patientIds: string[] }> {
  const [stored, edits] = await Promise.all([
    deps.index.listMetadata(principal.orgId, study, series),
    editsOf(deps, principal.orgId, study),
  ]);
  // As the study currently reads: its edits applied to what was stored.
  const documents = stored.map((document) => editedDocument(document, edits));
  if (documents.length === 0) throw new NotFoundError(series ? 'Series not found.' : 'Study not found.');
  const size = documents.reduce((total, document) => total + Buffer.byteLength(document) + 1, 2);
  if (size > MAX_METADATA_RESPONSE_BYTES) {
    throw new PayloadTooLargeError(
      'The metadata is too large for one response; request it series by series.',
    );
  }
  const patientIds = [...new Set(documents.map(patientIdOf).filter((id): id is string => id !== null))];
  return { json: `[${documents.join(',')}]`, patientIds };
}

/**
 * One instance's metadata, as the one-element DICOM JSON array PS3.18 returns for every level, and its
 * PatientID (0010,0020) for the audit record.
 */
export async function retrieveInstanceMetadata(
  deps: { index: ImagingIndex; edits?: CurrentEdits },
  principal: OrganizationReader,
  ids: { study: string; series: string; instance: string },
): Promise<{ json: string; patientId: string | null }> {
  const [stored, edits] = await Promise.all([
    deps.index.getMetadata(principal.orgId, ids.study, ids.series, ids.instance),
    editsOf(deps, principal.orgId, ids.study),
  ]);
  if (stored === null) throw new NotFoundError('Instance not found.');
  const document = editedDocument(stored, edits);
  return { json: `[${document}]`, patientId: patientIdOf(document) };
}
