import * as z from 'zod';
import { DicomUidSchema } from './dicom-uid';

/** DA or a DA range (PS3.18 §8.3.4.5): 20260101, 20260101-20261231, -20261231, 20260101-. */
const DateOrRange = z
  .string()
  .regex(/^(\d{8})?-?(\d{8})?$/, 'must be a DICOM date or date range')
  .refine((value) => value !== '-');

/** TM or a TM range: HHMM[SS[.FFFFFF]] on either side of an optional dash. */
const TimeOrRange = z
  .string()
  .regex(/^(\d{2,6}(\.\d{1,6})?)?-?(\d{2,6}(\.\d{1,6})?)?$/, 'must be a DICOM time or time range')
  .refine((value) => value !== '-' && value !== '');

const uidList = z
  .string()
  .max(65 * 50)
  .transform((value) => value.split(','))
  .pipe(z.array(DicomUidSchema).max(50));

/** Wildcards one name pattern may hold; real searches use one or two. */
export const MAX_NAME_WILDCARDS = 16;

/** A PN value to match: up to 64 characters of a name, with at most 16 * and ? wildcards. */
const NamePattern = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((value) => value.replace(/[^*?]/g, '').length <= MAX_NAME_WILDCARDS, {
    message: `must hold at most ${MAX_NAME_WILDCARDS} wildcards (* or ?)`,
  });

/** includefield: `all`, or attribute keywords / 8-digit tags separated by commas. */
const IncludeField = z
  .string()
  .max(2048)
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().regex(/^([A-Za-z][A-Za-z0-9]{0,63}|[0-9A-Fa-f]{8})$/, 'must be a keyword or tag'))
      .max(100),
  );

const paging = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  fuzzymatching: z.enum(['true', 'false']).optional(),
  includefield: IncludeField.optional(),
};

/**
 * QIDO-RS study search parameters, by keyword or by tag. Unknown keys are ignored, as the standard allows;
 * values are bounded and checked before they reach the index.
 */
export const QidoStudyQuerySchema = z
  .object({
    PatientID: z.string().trim().min(1).max(64).optional(),
    PatientName: NamePattern.optional(),
    StudyDate: DateOrRange.optional(),
    StudyTime: TimeOrRange.optional(),
    StudyInstanceUID: uidList.optional(),
    AccessionNumber: z.string().trim().min(1).max(16).optional(),
    ModalitiesInStudy: z
      .string()
      .trim()
      .regex(/^[A-Z0-9_ ]{1,16}$/)
      .optional(),
    ReferringPhysicianName: NamePattern.optional(),
    ...paging,
  })
  .meta({ id: 'QidoStudyQuery' });
export type QidoStudyQuery = z.infer<typeof QidoStudyQuerySchema>;

/** QIDO-RS series search within a study. */
export const QidoSeriesQuerySchema = z
  .object({
    Modality: z
      .string()
      .trim()
      .regex(/^[A-Z0-9_ ]{1,16}$/)
      .optional(),
    SeriesInstanceUID: uidList.optional(),
    SeriesNumber: z.coerce
      .number()
      .int()
      .min(-(2 ** 31))
      .max(2 ** 31 - 1)
      .optional(),
    ...paging,
  })
  .meta({ id: 'QidoSeriesQuery' });
export type QidoSeriesQuery = z.infer<typeof QidoSeriesQuerySchema>;

/** QIDO-RS instance search within a series (or a whole study). */
export const QidoInstanceQuerySchema = z
  .object({
    SOPInstanceUID: uidList.optional(),
    SOPClassUID: DicomUidSchema.optional(),
    InstanceNumber: z.coerce
      .number()
      .int()
      .min(-(2 ** 31))
      .max(2 ** 31 - 1)
      .optional(),
    SeriesInstanceUID: uidList.optional(),
    ...paging,
  })
  .meta({ id: 'QidoInstanceQuery' });
export type QidoInstanceQuery = z.infer<typeof QidoInstanceQuerySchema>;

/** Tag forms clients may use instead of keywords. */
export const QIDO_TAG_KEYWORDS: Readonly<Record<string, string>> = {
  '00100020': 'PatientID',
  '00100010': 'PatientName',
  '00080020': 'StudyDate',
  '00080030': 'StudyTime',
  '0020000D': 'StudyInstanceUID',
  '00080050': 'AccessionNumber',
  '00080061': 'ModalitiesInStudy',
  '00080090': 'ReferringPhysicianName',
  '00080060': 'Modality',
  '0020000E': 'SeriesInstanceUID',
  '00200011': 'SeriesNumber',
  '00080018': 'SOPInstanceUID',
  '00080016': 'SOPClassUID',
  '00200013': 'InstanceNumber',
};

/** QIDO-RS /series at the root: study-level keys narrow the studies, series-level keys the series. */
export const QidoRootSeriesQuerySchema = QidoStudyQuerySchema.extend(QidoSeriesQuerySchema.shape).meta({
  id: 'QidoRootSeriesQuery',
});

/** QIDO-RS /instances at the root: study-level keys narrow the studies, instance-level keys the instances. */
export const QidoRootInstanceQuerySchema = QidoStudyQuerySchema.extend(QidoInstanceQuerySchema.shape).meta({
  id: 'QidoRootInstanceQuery',
});
export type QidoRootSeriesQuery = z.infer<typeof QidoRootSeriesQuerySchema>;
export type QidoRootInstanceQuery = z.infer<typeof QidoRootInstanceQuerySchema>;
