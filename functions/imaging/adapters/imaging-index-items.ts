import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type InstanceLayout, packFrameTable, unpackFrameTable } from '../core/instance-layout';
import type { ParsedInstance } from '../core/part10';
import { patientKey } from '../core/patient-identity';
import type { SeriesRecord, StoredInstance, StudyRecord } from '../core/ports';
import {
  instanceKey,
  nameSortKey,
  namesIndexPartition,
  patientIndexPartition,
  seriesKey,
  sopKey,
  studiesIndexPartition,
  studyDateSortKey,
  studyKey,
} from './imaging-index-keys';

/**
 * The items of the imaging index: how each kind is written (builders) and read back (zod schemas, parsed
 * at the adapter's edge). Attribute names are stored: renaming one loses it on every item written before.
 */

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** A transaction's update, less the table name the adapter adds. */
export type ItemUpdate = Omit<NonNullable<TransactItem['Update']>, 'TableName'>;

// ---- Writing ----

/** The attributes of a StoredInstance, as listings read them (the INSTANCE# items without metadata). */
export const INSTANCE_FIELDS = [
  'orgId',
  'studyInstanceUid',
  'seriesInstanceUid',
  'sopInstanceUid',
  'sopClassUid',
  'transferSyntaxUid',
  'objectKey',
  'sha256',
  'sizeBytes',
  'instanceNumber',
  'rows',
  'columns',
  'frames',
  'storedAt',
  'patientId',
] as const satisfies readonly (keyof StoredInstance)[];

/** What both instance items carry. */
function instanceAttributes(instance: StoredInstance, parsed: ParsedInstance) {
  const { layout: _layout, ...fields } = instance;
  // The patient goes on the instance items so retrievals can audit it without reading the study.
  return { ...fields, patientId: parsed.attributes.patientId };
}

/** The layout as stored: frame tables packed, digests as binary. */
function layoutItem(layout: InstanceLayout): Record<string, unknown> {
  const pixelData = layout.pixelData;
  return {
    pixelData: pixelData && {
      vr: pixelData.vr,
      encapsulated: pixelData.encapsulated,
      value: pixelData.value && { ...pixelData.value, digest: Buffer.from(pixelData.value.digest, 'hex') },
      frameTable: pixelData.frames ? packFrameTable(pixelData.frames) : undefined,
    },
    bulkData: layout.bulkData.map((value) => ({ ...value, digest: Buffer.from(value.digest, 'hex') })),
  };
}

/** The SOP# item: the instance found by its SOP Instance UID alone, with its layout. */
export function sopItem(instance: StoredInstance, parsed: ParsedInstance): Record<string, unknown> {
  return {
    ...sopKey(instance.orgId, instance.studyInstanceUid, instance.sopInstanceUid),
    type: 'instance',
    ...instanceAttributes(instance, parsed),
    // Only here, not on the INSTANCE# item: that one already carries up to 300 KB of metadata.
    layout: layoutItem(parsed.layout),
  };
}

/** The INSTANCE# item: the instance under its series, with its DICOM JSON metadata. */
export function instanceItem(
  instance: StoredInstance,
  parsed: ParsedInstance,
  metadata: string,
): Record<string, unknown> {
  return {
    ...instanceKey(
      instance.orgId,
      instance.studyInstanceUid,
      instance.seriesInstanceUid,
      instance.sopInstanceUid,
    ),
    type: 'instance',
    ...instanceAttributes(instance, parsed),
    metadata,
  };
}

/** A study's place in the name index (gsi3): none without a PatientName. */
export function nameIndexAttributes(
  orgId: string,
  study: string,
  patientName: unknown,
): { gsi3pk: string; gsi3sk: string } | Record<string, never> {
  return typeof patientName === 'string' && patientName !== ''
    ? { gsi3pk: namesIndexPartition(orgId), gsi3sk: nameSortKey(patientName, study) }
    : {};
}

/** Whether the SERIES# item must be absent (this instance opens the series) or present when written. */
export const SERIES_IS_NEW = 'attribute_not_exists(pk)';
export const SERIES_EXISTS = 'attribute_exists(pk)';

/**
 * The SERIES# item gains an instance. The condition pins the series to what the caller read, so the study
 * counts a series once: of two first instances of one series, only one finds the item still absent.
 */
export function seriesUpdate(
  instance: StoredInstance,
  parsed: ParsedInstance,
  seriesIsNew: boolean,
): ItemUpdate {
  return {
    Key: seriesKey(instance.orgId, instance.studyInstanceUid, instance.seriesInstanceUid),
    UpdateExpression:
      'SET studyInstanceUid = :study, seriesInstanceUid = :series, modality = if_not_exists(modality, :modality), seriesNumber = if_not_exists(seriesNumber, :seriesNumber) ADD instanceCount :one',
    ConditionExpression: seriesIsNew ? SERIES_IS_NEW : SERIES_EXISTS,
    ExpressionAttributeValues: {
      ':study': instance.studyInstanceUid,
      ':series': instance.seriesInstanceUid,
      ':modality': parsed.attributes.modality ?? 'OT',
      ':seriesNumber': parsed.attributes.seriesNumber ?? 0,
      ':one': 1,
    },
  };
}

/**
 * Holds when the study is new, predates patient keys, or names the patient this instance names: a study
 * never gains an instance of another patient, even from two first instances written at once.
 */
export const STUDY_PATIENT_AGREES =
  'attribute_not_exists(pk) OR attribute_not_exists(#patientKey) OR #patientKey = :patientKey';

/**
 * The STUDY item gains an instance, and a series when this instance opens one. Study attributes come from
 * the first instance stored; later instances only add counts and modalities, and only if they name the
 * same patient (STUDY_PATIENT_AGREES).
 */
export function studyUpdate(
  instance: StoredInstance,
  parsed: ParsedInstance,
  seriesIsNew: boolean,
): ItemUpdate {
  const a = parsed.attributes;
  const sortKey = studyDateSortKey(a.studyDate, instance.studyInstanceUid);
  const attributes: Record<string, unknown> = {
    studyInstanceUid: instance.studyInstanceUid,
    patientId: a.patientId,
    patientName: a.patientName,
    studyDate: a.studyDate,
    studyTime: a.studyTime,
    accessionNumber: a.accessionNumber,
    referringPhysicianName: a.referringPhysicianName,
    studyDescription: a.studyDescription,
    studyId: a.studyId,
    gsi1pk: studiesIndexPartition(instance.orgId),
    gsi1sk: sortKey,
    ...(a.patientId ? { gsi2pk: patientIndexPartition(instance.orgId, a.patientId), gsi2sk: sortKey } : {}),
    ...nameIndexAttributes(instance.orgId, instance.studyInstanceUid, a.patientName),
  };
  const present = Object.entries(attributes).filter(([, value]) => value !== null && value !== undefined);
  const setFirst = present.map((_entry, index) => `#a${index} = if_not_exists(#a${index}, :a${index})`);
  setFirst.push('#patientKey = if_not_exists(#patientKey, :patientKey)');
  return {
    Key: studyKey(instance.orgId, instance.studyInstanceUid),
    UpdateExpression: `SET ${setFirst.join(', ')} ADD instanceCount :one, seriesCount :newSeries${a.modality ? ', modalities :modality' : ''}`,
    ConditionExpression: STUDY_PATIENT_AGREES,
    ExpressionAttributeNames: {
      ...Object.fromEntries(present.map(([name], index) => [`#a${index}`, name])),
      '#patientKey': 'patientKey',
    },
    ExpressionAttributeValues: {
      ...Object.fromEntries(present.map(([, value], index) => [`:a${index}`, value])),
      ':patientKey': patientKey(a),
      ':one': 1,
      ':newSeries': seriesIsNew ? 1 : 0,
      ...(a.modality ? { ':modality': new Set([a.modality]) } : {}),
    },
  };
}

// ---- Reading ----

/**
 * An optional text attribute: written only when present, so absent means null. A default rather than a
 * transform: zod runs a transform as a pipe, which made parsing 100 study items allocate twice as much
 * (345 KiB, 173 with defaults).
 */
const OptionalText = z.string().nullable().default(null);
const Count = z.number().int().nonnegative();
/** The document client reads binary attributes as Uint8Array. */
const Bytes = z.instanceof(Uint8Array);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export const StudyItemSchema = z.object({
  studyInstanceUid: z.string(),
  patientId: OptionalText,
  patientName: OptionalText,
  studyDate: OptionalText,
  studyTime: OptionalText,
  accessionNumber: OptionalText,
  referringPhysicianName: OptionalText,
  studyDescription: OptionalText,
  studyId: OptionalText,
  /** A string set, absent until an instance names its modality. */
  modalities: z
    .set(z.string())
    .optional()
    .transform((modalities) => [...(modalities ?? [])]),
  seriesCount: Count,
  instanceCount: Count,
}) satisfies z.ZodType<StudyRecord>;

/** The attributes a StudyRecord is read from (searches read only these). */
export const STUDY_FIELDS = Object.keys(StudyItemSchema.shape) as readonly string[];

export const SeriesItemSchema = z.object({
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  modality: OptionalText,
  seriesNumber: z.number().nullable().default(null),
  instanceCount: Count,
}) satisfies z.ZodType<SeriesRecord>;

const StoredRangeFields = { offset: Count, length: Count, digest: Bytes };
const StoredRangeItemSchema = z
  .object(StoredRangeFields)
  .transform((range) => ({ ...range, digest: hex(range.digest) }));
const BulkDataItemSchema = z
  .object({ path: z.string(), ...StoredRangeFields })
  .transform((value) => ({ ...value, digest: hex(value.digest) }));
const FrameTableSchema = Bytes.transform((table, context) => {
  try {
    return unpackFrameTable(table);
  } catch {
    context.addIssue({ code: 'custom', message: 'not a packed frame table' });
    return z.NEVER;
  }
});

const LayoutItemSchema = z
  .object({
    pixelData: z
      .object({
        vr: z.string(),
        encapsulated: z.boolean(),
        value: StoredRangeItemSchema.nullish(),
        frameTable: FrameTableSchema.optional(),
      })
      .nullish(),
    bulkData: z.array(BulkDataItemSchema).optional(),
  })
  .transform(
    ({ pixelData, bulkData }): InstanceLayout => ({
      pixelData: pixelData
        ? {
            vr: pixelData.vr,
            encapsulated: pixelData.encapsulated,
            value: pixelData.value ?? null,
            frames: pixelData.frameTable ?? null,
          }
        : null,
      bulkData: bulkData ?? [],
    }),
  );

const NullableNumber = z.number().nullable();

/** The SOP# item, or an INSTANCE# item read with INSTANCE_FIELDS (no layout: read as null). */
export const InstanceItemSchema = z.object({
  orgId: z.string(),
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  sopInstanceUid: z.string(),
  sopClassUid: z.string(),
  transferSyntaxUid: z.string(),
  objectKey: z.string(),
  sha256: z.string(),
  sizeBytes: Count,
  instanceNumber: NullableNumber,
  rows: NullableNumber,
  columns: NullableNumber,
  frames: NullableNumber,
  storedAt: z.string(),
  /** Absent on items written before retrieval by range. */
  patientId: z.string().nullish(),
  layout: LayoutItemSchema.nullable().default(null),
}) satisfies z.ZodType<StoredInstance>;

export const MetadataItemSchema = z.object({ metadata: z.string() });

export const KeyItemSchema = z.object({ pk: z.string(), sk: z.string() });
