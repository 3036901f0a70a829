import * as z from 'zod';

/** A radiology report is plain text; 64 KiB is far beyond any real report and well inside one item. */
export const MAX_REPORT_CHARACTERS = 65_536;

export const ReportStatusSchema = z.enum(['draft', 'final']);

export const PutReportBodySchema = z
  .object({
    text: z.string().min(1).max(MAX_REPORT_CHARACTERS),
    status: ReportStatusSchema,
    /** A final report is only amended, with a reason; required once the report is final. */
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .strict()
  .meta({ id: 'PutReportBody' });
export type PutReportBody = z.infer<typeof PutReportBodySchema>;

export const ReportSchema = z
  .object({
    study: z.string(),
    /** 1 for the first text; each later write (draft revisions, finalization, amendments) adds one. */
    version: z.number().int().positive(),
    status: ReportStatusSchema,
    /** True once a final report has been changed. */
    amended: z.boolean(),
    text: z.string(),
    author: z.object({ userId: z.string(), role: z.string() }),
    at: z.string(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'Report' });
export type Report = z.infer<typeof ReportSchema>;

export const ReportVersionsSchema = z
  .object({ study: z.string(), versions: z.array(ReportSchema) })
  .meta({ id: 'ReportVersions' });
