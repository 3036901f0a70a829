import { createHash } from 'node:crypto';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import type { Clock, IdGenerator } from '../../shared/ports';
import { instanceMetadata } from './metadata';
import { DicomRejectedError, INGEST_LIMITS, type IngestLimits, readPart10 } from './part10';
import { patientConflict } from './patient-identity';
import type { ImagingIndex, ObjectStore, StoredInstance } from './ports';

export interface StoreDeps {
  index: ImagingIndex;
  objects: ObjectStore;
  clock: Clock;
  ids: IdGenerator;
}

export interface StoreOutcome {
  referenced: {
    sopClassUid: string;
    sopInstanceUid: string;
    studyInstanceUid: string;
    seriesInstanceUid: string;
    /** An identical resend of an instance already stored: acknowledged again, stored once. */
    alreadyStored: boolean;
  }[];
  failed: {
    sopClassUid: string | null;
    sopInstanceUid: string | null;
    failureReason: number;
    message: string;
  }[];
  studies: string[];
  patients: string[];
}

/** What became of one part: stored (newly, or acknowledged again as an identical resend) or failed. */
export type InstanceOutcome =
  | {
      status: 'stored';
      sopClassUid: string;
      sopInstanceUid: string;
      studyInstanceUid: string;
      seriesInstanceUid: string;
      patientId: string | null;
      /** False for an identical resend of an instance already stored. */
      created: boolean;
    }
  | {
      status: 'failed';
      sopClassUid: string | null;
      sopInstanceUid: string | null;
      failureReason: number;
      message: string;
    };

/** PS3.18 FailureReason codes used by STOW-RS besides the parser's. */
export const PROCESSING_FAILURE = 0x0110;
const STUDY_MISMATCH = 0xa900;
/** An instance naming another patient than the study it would join (A900: does not match). */
const PATIENT_MISMATCH = 0xa900;
/** C000, cannot understand: not DICOM, or attributes that cannot be read. */
export const CANNOT_UNDERSTAND = 0xc000;
/** A700, Refused: Out of Resources: too large, or the request's time ran out (sending it again works). */
export const OUT_OF_RESOURCES = 0xa700;
/** Kept on the index item, which DynamoDB caps at 400 KB. */
const MAX_METADATA_BYTES = 300 * 1024;

const failed = (
  identity: { sopClassUid: string | null; sopInstanceUid: string | null },
  failureReason: number,
  message: string,
): InstanceOutcome => ({ status: 'failed', ...identity, failureReason, message });

const patientMismatch = (attribute: string) =>
  `patient-mismatch: ${attribute} differs from that of the study already stored`;

/**
 * Validates and stores one part: the one storage path of STOW-RS and of upload-session ingest.
 * Storage keys are generated here, never taken from UIDs; the SHA-256 is recorded for retrieval checks.
 * A resent identical instance is acknowledged again; different content under a stored UID fails, as does
 * an instance naming another patient than its study (the index re-checks that in its write, for races).
 */
export async function storeInstance(
  deps: StoreDeps,
  orgId: string,
  part: { contentType: string; body: Buffer },
  requiredStudy: string | null,
  limits: IngestLimits = INGEST_LIMITS,
  hasTimeLeft: () => boolean = () => true,
): Promise<InstanceOutcome> {
  const unknown = { sopClassUid: null, sopInstanceUid: null };
  if (part.contentType !== 'application/dicom') {
    return failed(unknown, CANNOT_UNDERSTAND, 'not application/dicom');
  }
  let parsed: ReturnType<typeof readPart10>;
  try {
    parsed = readPart10(part.body, limits);
  } catch (error) {
    if (!(error instanceof DicomRejectedError)) throw error;
    return failed(unknown, error.failureReason, error.message);
  }
  const identity = { sopClassUid: parsed.sopClassUid, sopInstanceUid: parsed.sopInstanceUid };
  if (requiredStudy && parsed.studyInstanceUid !== requiredStudy) {
    return failed(identity, STUDY_MISMATCH, 'belongs to another study');
  }
  let metadata: string;
  try {
    metadata = JSON.stringify(instanceMetadata(parsed));
  } catch {
    return failed(identity, CANNOT_UNDERSTAND, 'attributes could not be read');
  }
  if (Buffer.byteLength(metadata) > MAX_METADATA_BYTES) {
    return failed(identity, OUT_OF_RESOURCES, 'too many attributes');
  }
  // Checked after parsing, which is local work, so the refusal names the instance; before any write.
  if (!hasTimeLeft())
    return failed(identity, OUT_OF_RESOURCES, 'not stored: the request ran out of time; send it again');
  const sha256 = createHash('sha256').update(parsed.sanitized);
  const hex = sha256.copy().digest('hex');
  const stored = (instance: { studyInstanceUid: string; seriesInstanceUid: string }, created: boolean) =>
    ({
      status: 'stored',
      ...identity,
      studyInstanceUid: instance.studyInstanceUid,
      seriesInstanceUid: instance.seriesInstanceUid,
      patientId: parsed.attributes.patientId,
      created,
    }) as const;
  // What storing must know, in one read: a resend, the study's patient, whether the series is new. The
  // object is written only after it: in the versioned bucket a deleted object stays (and is replicated) as
  // a noncurrent version for 30 days, so a refused instance is never written at all.
  const context = await deps.index.storeContext(
    orgId,
    parsed.studyInstanceUid,
    parsed.seriesInstanceUid,
    parsed.sopInstanceUid,
  );
  const resent = (existing: StoredInstance) =>
    existing.sha256 === hex
      ? stored(existing, false)
      : failed(identity, STUDY_MISMATCH, 'a different instance with this UID is stored');
  if (context.existing) return resent(context.existing);
  const conflict = context.study && patientConflict(context.study, parsed.attributes);
  if (conflict) return failed(identity, PATIENT_MISMATCH, patientMismatch(conflict));
  const objectKey = `org/${orgId}/instances/${deps.ids.newId()}.dcm`;
  const discard = () => deps.objects.delete(objectKey).catch(() => undefined);
  const instance: StoredInstance = {
    orgId,
    studyInstanceUid: parsed.studyInstanceUid,
    seriesInstanceUid: parsed.seriesInstanceUid,
    sopInstanceUid: parsed.sopInstanceUid,
    sopClassUid: parsed.sopClassUid,
    transferSyntaxUid: parsed.transferSyntaxUid,
    objectKey,
    sha256: hex,
    sizeBytes: parsed.sanitized.length,
    instanceNumber: parsed.attributes.instanceNumber,
    rows: parsed.pixels?.rows ?? null,
    columns: parsed.pixels?.columns ?? null,
    frames: parsed.pixels?.frames ?? null,
    storedAt: deps.clock.now().toISOString(),
  };
  let added: Awaited<ReturnType<ImagingIndex['addInstance']>>;
  try {
    await deps.objects.put(objectKey, parsed.sanitized, sha256.digest('base64'));
    added = await deps.index.addInstance(instance, parsed, metadata, !context.seriesExists);
  } catch {
    await discard();
    return failed(identity, PROCESSING_FAILURE, 'could not be stored; retry');
  }
  if (added === 'added') return stored(instance, true);
  // Lost a race: with another upload of this UID (keep the first copy, and judge this one against it), or
  // with a first instance of the study naming another patient (keep nothing).
  await discard();
  if (added === 'patient-mismatch') return failed(identity, PATIENT_MISMATCH, patientMismatch('the patient'));
  const winner = await deps.index
    .findInstance(orgId, parsed.studyInstanceUid, parsed.sopInstanceUid)
    .catch(() => null);
  return winner ? resent(winner) : failed(identity, PROCESSING_FAILURE, 'could not be stored; retry');
}

/**
 * STOW-RS: each part is validated and stored on its own, so one bad file does not fail the others. Parts
 * are stored one after another while `hasTimeLeft` holds (the first is always tried); those left when it
 * no longer does are refused, named, with nothing of them written, and the answer still comes in time.
 */
export async function storeInstances(
  deps: StoreDeps,
  principal: CustomerPrincipal,
  parts: { contentType: string; body: Buffer }[],
  requiredStudy: string | null,
  hasTimeLeft: () => boolean = () => true,
): Promise<StoreOutcome> {
  const outcome: StoreOutcome = { referenced: [], failed: [], studies: [], patients: [] };
  for (const [index, part] of parts.entries()) {
    const timeLeft = index === 0 ? () => true : hasTimeLeft;
    const result = await storeInstance(deps, principal.orgId, part, requiredStudy, INGEST_LIMITS, timeLeft);
    if (result.status === 'failed') {
      const { status: _status, ...failure } = result;
      outcome.failed.push(failure);
      continue;
    }
    const { sopClassUid, sopInstanceUid, studyInstanceUid, seriesInstanceUid } = result;
    outcome.referenced.push({
      sopClassUid,
      sopInstanceUid,
      studyInstanceUid,
      seriesInstanceUid,
      alreadyStored: !result.created,
    });
    if (!result.created) continue;
    if (!outcome.studies.includes(studyInstanceUid)) outcome.studies.push(studyInstanceUid);
    if (result.patientId && !outcome.patients.includes(result.patientId)) {
      outcome.patients.push(result.patientId);
    }
  }
  return outcome;
}
