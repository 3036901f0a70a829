import { createHash } from 'node:crypto';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import type { Clock, IdGenerator } from '../../shared/ports';
import { dicomJsonMetadata } from './metadata';
import { DicomRejectedError, readPart10 } from './part10';
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

/** PS3.18 FailureReason codes used by STOW-RS besides the parser's. */
const PROCESSING_FAILURE = 0x0110;
const STUDY_MISMATCH = 0xa900;
const NOT_DICOM_PART = 0xc000;
/** Kept on the index item, which DynamoDB caps at 400 KB. */
const MAX_METADATA_BYTES = 300 * 1024;

/**
 * STOW-RS: each part is validated and stored on its own, so one bad file does not fail the others.
 * Storage keys are generated here, never taken from UIDs; the SHA-256 is recorded for retrieval checks.
 * A resent identical instance is acknowledged again; different content under a stored UID fails.
 */
export async function storeInstances(
  deps: StoreDeps,
  principal: CustomerPrincipal,
  parts: { contentType: string; body: Buffer }[],
  requiredStudy: string | null,
): Promise<StoreOutcome> {
  const outcome: StoreOutcome = { referenced: [], failed: [], studies: [], patients: [] };
  for (const part of parts) {
    if (part.contentType !== 'application/dicom') {
      outcome.failed.push({
        sopClassUid: null,
        sopInstanceUid: null,
        failureReason: NOT_DICOM_PART,
        message: 'not application/dicom',
      });
      continue;
    }
    let parsed: ReturnType<typeof readPart10>;
    try {
      parsed = readPart10(part.body);
    } catch (error) {
      if (!(error instanceof DicomRejectedError)) throw error;
      outcome.failed.push({
        sopClassUid: null,
        sopInstanceUid: null,
        failureReason: error.failureReason,
        message: error.message,
      });
      continue;
    }
    const identity = { sopClassUid: parsed.sopClassUid, sopInstanceUid: parsed.sopInstanceUid };
    if (requiredStudy && parsed.studyInstanceUid !== requiredStudy) {
      outcome.failed.push({
        ...identity,
        failureReason: STUDY_MISMATCH,
        message: 'belongs to another study',
      });
      continue;
    }
    let metadata: string;
    try {
      metadata = JSON.stringify(dicomJsonMetadata(parsed.sanitized));
    } catch {
      outcome.failed.push({
        ...identity,
        failureReason: NOT_DICOM_PART,
        message: 'attributes could not be read',
      });
      continue;
    }
    if (Buffer.byteLength(metadata) > MAX_METADATA_BYTES) {
      outcome.failed.push({ ...identity, failureReason: 0xa700, message: 'too many attributes' });
      continue;
    }
    const sha256 = createHash('sha256').update(parsed.sanitized);
    const hex = sha256.copy().digest('hex');
    const existing = await deps.index.findInstance(
      principal.orgId,
      parsed.studyInstanceUid,
      parsed.sopInstanceUid,
    );
    if (existing) {
      if (existing.sha256 === hex) {
        outcome.referenced.push({
          ...identity,
          studyInstanceUid: existing.studyInstanceUid,
          seriesInstanceUid: existing.seriesInstanceUid,
        });
      } else {
        outcome.failed.push({
          ...identity,
          failureReason: STUDY_MISMATCH,
          message: 'a different instance with this UID is stored',
        });
      }
      continue;
    }
    const instance: StoredInstance = {
      orgId: principal.orgId,
      studyInstanceUid: parsed.studyInstanceUid,
      seriesInstanceUid: parsed.seriesInstanceUid,
      sopInstanceUid: parsed.sopInstanceUid,
      sopClassUid: parsed.sopClassUid,
      transferSyntaxUid: parsed.transferSyntaxUid,
      objectKey: `org/${principal.orgId}/instances/${deps.ids.newId()}.dcm`,
      sha256: hex,
      sizeBytes: parsed.sanitized.length,
      instanceNumber: parsed.attributes.instanceNumber,
      rows: parsed.pixels?.rows ?? null,
      columns: parsed.pixels?.columns ?? null,
      frames: parsed.pixels?.frames ?? null,
      storedAt: deps.clock.now().toISOString(),
    };
    try {
      await deps.objects.put(instance.objectKey, parsed.sanitized, sha256.digest('base64'));
      if ((await deps.index.addInstance(instance, parsed, metadata)) === 'exists') {
        // Lost a race with an identical upload: keep the first copy only.
        await deps.objects.delete(instance.objectKey);
      }
    } catch {
      await deps.objects.delete(instance.objectKey).catch(() => undefined);
      outcome.failed.push({
        ...identity,
        failureReason: PROCESSING_FAILURE,
        message: 'could not be stored; retry',
      });
      continue;
    }
    outcome.referenced.push({
      ...identity,
      studyInstanceUid: instance.studyInstanceUid,
      seriesInstanceUid: instance.seriesInstanceUid,
    });
    if (!outcome.studies.includes(instance.studyInstanceUid)) outcome.studies.push(instance.studyInstanceUid);
    if (parsed.attributes.patientId && !outcome.patients.includes(parsed.attributes.patientId)) {
      outcome.patients.push(parsed.attributes.patientId);
    }
  }
  return outcome;
}
