import { z } from 'zod';
import { DicomUidSchema } from './dicom-uid';

/** DA or a DA range (PS3.18 §8.3.4.5): 20260101, 20260101-20261231, -20261231, 20260101-. */
const DateOrRange = z
  .string()
  .regex(/^(\d{8})?-?(\d{8})?$/, 'must be a DICOM date or date range')
  .refine((value) => value !== '-');

/**
 * QIDO-RS study search parameters, by keyword or by tag. Unknown keys are ignored, as the standard allows;
 * values are bounded and checked before they reach the index.
 */
export const QidoStudyQuerySchema = z
  .object({
    PatientID: z.string().trim().min(1).max(64).optional(),
    PatientName: z.string().trim().min(1).max(64).optional(),
    StudyDate: DateOrRange.optional(),
    StudyInstanceUID: z
      .string()
      .max(64 * 50)
      .transform((value) => value.split(','))
      .pipe(z.array(DicomUidSchema).max(50))
      .optional(),
    AccessionNumber: z.string().trim().min(1).max(16).optional(),
    ModalitiesInStudy: z
      .string()
      .trim()
      .regex(/^[A-Z0-9_ ]{1,16}$/)
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
    fuzzymatching: z.enum(['true', 'false']).optional(),
    includefield: z.string().max(1024).optional(),
  })
  .meta({ id: 'QidoStudyQuery' });
export type QidoStudyQuery = z.infer<typeof QidoStudyQuerySchema>;

/** Tag forms clients may use instead of keywords. */
export const QIDO_TAG_KEYWORDS: Readonly<Record<string, string>> = {
  '00100020': 'PatientID',
  '00100010': 'PatientName',
  '00080020': 'StudyDate',
  '0020000D': 'StudyInstanceUID',
  '00080050': 'AccessionNumber',
  '00080061': 'ModalitiesInStudy',
};
