import * as z from 'zod';

/**
 * A DICOM UID (PS3.5 §9.1): digits and dots, at most 64 characters, no empty components and no leading
 * zero in a multi-digit component. Nothing else passes, so a UID can never carry a path or a command.
 */
export const DICOM_UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
export const DicomUidSchema = z.string().max(64).regex(DICOM_UID_PATTERN, 'must be a DICOM UID');
export const isDicomUid = (value: string) => value.length <= 64 && DICOM_UID_PATTERN.test(value);
