import * as z from 'zod';

/** A value an edit sets: text (PN, LO, SH, CS, DA, TM, DS, AS), a number (IS), or null to empty it. */
export const EditValueSchema = z.union([z.string().max(1024), z.number().finite(), z.null()]);
export type EditValue = z.infer<typeof EditValueSchema>;

/** Each keyword is checked against the level's allow-list and its VR by the use case (400 names which). */
export const EditAttributesBodySchema = z
  .object({
    changes: z
      .record(z.string().min(1).max(64), EditValueSchema)
      .refine((changes) => Object.keys(changes).length > 0, 'at least one attribute')
      .refine((changes) => Object.keys(changes).length <= 32, 'at most 32 attributes per edit'),
    reason: z.string().trim().min(1).max(1000),
  })
  .strict()
  .meta({ id: 'EditAttributesBody' });
export type EditAttributesBody = z.infer<typeof EditAttributesBodySchema>;

export const RevertBodySchema = z
  .object({ reason: z.string().trim().min(1).max(1000) })
  .strict()
  .meta({ id: 'RevertStudyBody' });
export type RevertBody = z.infer<typeof RevertBodySchema>;

export const AttributeChangeSchema = z
  .object({
    level: z.enum(['study', 'series']),
    /** The series an attribute belongs to (series level); null for patient and study attributes. */
    series: z.string().nullable(),
    keyword: z.string(),
    /** Tag as 8 hex digits (DICOM JSON keys). */
    tag: z.string(),
    before: EditValueSchema,
    after: EditValueSchema,
  })
  .meta({ id: 'AttributeChange' });
export type AttributeChange = z.infer<typeof AttributeChangeSchema>;

export const StudyVersionSchema = z
  .object({
    /** 0 is the study as stored; every edit and revert adds the next number. */
    version: z.number().int().nonnegative(),
    kind: z.enum(['stored', 'edit', 'revert']),
    /** The version a revert restored. */
    revertedTo: z.number().int().nonnegative().nullable(),
    at: z.string().nullable(),
    by: z.object({ userId: z.string(), role: z.string() }).nullable(),
    reason: z.string().nullable(),
    changes: z.array(AttributeChangeSchema),
  })
  .meta({ id: 'StudyVersion' });
export type StudyVersionView = z.infer<typeof StudyVersionSchema>;

export const StudyVersionsSchema = z
  .object({ study: z.string(), currentVersion: z.number().int(), versions: z.array(StudyVersionSchema) })
  .meta({ id: 'StudyVersions' });

export const VersionPathSchema = z
  .string()
  .max(10)
  .regex(/^(0|[1-9][0-9]{0,8})$/, 'a version number');

/** What an edit or revert did: the new version, or null (and the current number) when nothing changed. */
export const StudyEditResultSchema = z
  .object({
    study: z.string(),
    currentVersion: z.number().int().nonnegative(),
    version: StudyVersionSchema.nullable(),
  })
  .meta({ id: 'StudyEditResult' });
