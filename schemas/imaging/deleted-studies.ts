import * as z from 'zod';

/** One deletion that can still be restored. */
export const DeletionSchema = z
  .object({
    deletionId: z.string(),
    scope: z.enum(['study', 'series', 'instance']),
    series: z.string().nullable(),
    instance: z.string().nullable(),
    instances: z.number().int().nonnegative(),
    deletedAt: z.string(),
    deletedBy: z.string(),
    /** After this time the deletion is purged (objects, versions, index entries) in both regions. */
    purgeAfter: z.string(),
  })
  .meta({ id: 'Deletion' });
export type Deletion = z.infer<typeof DeletionSchema>;

export const DeletedStudySchema = z
  .object({
    study: z.string(),
    patientId: z.string().nullable(),
    patientName: z.string().nullable(),
    /** Whether the whole study is gone from search and retrieval, or only some of its series/instances. */
    wholeStudy: z.boolean(),
    deletions: z.array(DeletionSchema),
  })
  .meta({ id: 'DeletedStudy' });
export type DeletedStudy = z.infer<typeof DeletedStudySchema>;

export const DeletedStudiesSchema = z
  .object({ studies: z.array(DeletedStudySchema), retentionDays: z.number().int().positive() })
  .meta({ id: 'DeletedStudies' });

export const RestoredStudySchema = z
  .object({ study: z.string(), restoredInstances: z.number().int().nonnegative() })
  .meta({ id: 'RestoredStudy' });
