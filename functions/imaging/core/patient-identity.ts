import type { ParsedInstance } from './part10';
import type { StudyRecord } from './ports';

type PatientAttributes = Pick<ParsedInstance['attributes'], 'patientId' | 'patientName'>;

/**
 * A person name as compared between a study and the instances that join it: case, surrounding spaces and
 * empty trailing components aside (PS3.5 §6.2.1 lets a sender drop them), so "DOE^JANE^^" is "Doe^Jane".
 */
function comparableName(name: string | null): string | null {
  const trimmed =
    name
      ?.replace(/[\s^=]+$/, '')
      .trim()
      .toUpperCase() ?? '';
  return trimmed ? trimmed : null;
}

/**
 * The patient an instance names, as one string: what the index stores on the study item and checks in
 * the same write, so two first instances of a study racing each other cannot name different patients.
 */
export function patientKey(attributes: PatientAttributes): string {
  return JSON.stringify([attributes.patientId, comparableName(attributes.patientName)]);
}

/**
 * Which patient attribute of an instance disagrees with the study it would join, or null when none does.
 * PatientID must be identical (absent only where the study's is absent too); PatientName the same name.
 * PatientBirthDate is not kept at study level, so it is not compared.
 */
export function patientConflict(
  study: Pick<StudyRecord, 'patientId' | 'patientName'>,
  attributes: PatientAttributes,
): 'PatientID' | 'PatientName' | null {
  if (study.patientId !== attributes.patientId) return 'PatientID';
  if (comparableName(study.patientName) !== comparableName(attributes.patientName)) return 'PatientName';
  return null;
}
