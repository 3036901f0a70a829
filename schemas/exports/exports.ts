import * as z from 'zod';
import { IdSchema } from '#schemas/accounts/entities';

/** Where an export stands; `running` covers planning and writing its parts. */
export const ExportStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export type ExportStatus = z.infer<typeof ExportStatusSchema>;

/** Items: instances and spreadsheets; bytes: the instances' stored size (rendered images come on top). */
export const ExportProgressSchema = z.object({
  itemsDone: z.number().int().min(0),
  itemsTotal: z.number().int().min(0),
  bytesDone: z.number().int().min(0),
  bytesTotal: z.number().int().min(0),
});
export type ExportProgress = z.infer<typeof ExportProgressSchema>;

/** One written part: a complete ZIP archive in the exports bucket. */
export const ExportPartSchema = z.object({
  part: z.number().int().min(1),
  objectKey: z.string(),
  sizeBytes: z.number().int().min(0),
  /** SHA-256 (hex) of the whole ZIP file, to check a download against. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  files: z.number().int().min(0),
});
export type ExportPart = z.infer<typeof ExportPartSchema>;

/**
 * The workflow's checkpoint: positions in the plan, never UIDs or names (the plan itself is an
 * encrypted object in the exports bucket). A retried step starts again from here.
 */
export const ExportCursorSchema = z.object({
  /** Plan chunks written so far, and whether the plan is complete. */
  planChunks: z.number().int().min(0),
  planned: z.boolean(),
  /** The next part to write, and where in the plan it starts. */
  nextPart: z.number().int().min(1),
  chunk: z.number().int().min(0),
  study: z.number().int().min(0),
  instance: z.number().int().min(0),
  /** Whether the spreadsheets (written into the first part) are done. */
  spreadsheetsDone: z.boolean(),
  /** Progress as of the last written part: a retried step counts from here, never twice. */
  committedItems: z.number().int().min(0),
  committedBytes: z.number().int().min(0),
});
export type ExportCursor = z.infer<typeof ExportCursorSchema>;

/**
 * What an export covers: the whole organization [PP-14], or one study — a prepared archive of its DICOM
 * files, for a study too large to stream through the API (docs/dicom-conformance.md).
 */
export const ExportScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('organization') }),
  z.object({ kind: z.literal('study'), studyInstanceUid: z.string().min(1).max(64) }),
]);
export type ExportScope = z.infer<typeof ExportScopeSchema>;

/** An export as stored (exports table). */
export const ExportJobSchema = z.object({
  exportId: IdSchema,
  orgId: z.string(),
  requestedBy: z.string(),
  /** Exports recorded before study archives existed cover the organization. */
  scope: ExportScopeSchema.default({ kind: 'organization' }),
  status: ExportStatusSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  /** Machine-readable reason of a failure (never an exception message, which might carry data). */
  failure: z.string().max(200).nullable(),
  progress: ExportProgressSchema,
  parts: z.array(ExportPartSchema),
  cursor: ExportCursorSchema,
  /** When the parts are deleted (the bucket's 7-day expiry). */
  expiresAt: z.iso.datetime(),
  /** The workflow execution, to stop it on cancel. */
  executionArn: z.string().nullable(),
});
export type ExportJob = z.infer<typeof ExportJobSchema>;

export const ExportPartViewSchema = z.object({
  part: z.number().int().min(1),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  files: z.number().int(),
  /**
   * The part's download route: it records the download (DICOM Export) and redirects to a presigned URL
   * of the exports bucket that lives `EXPORT_DOWNLOAD_URL_SECONDS` seconds.
   */
  downloadUrl: z.string(),
});

/** An export as the API shows it. */
export const ExportViewSchema = z.object({
  exportId: IdSchema,
  scope: ExportScopeSchema,
  status: ExportStatusSchema,
  requestedBy: z.string(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  failure: z.string().nullable(),
  progress: ExportProgressSchema,
  /** Filled once the export succeeded, until the parts expire. */
  parts: z.array(ExportPartViewSchema),
  expiresAt: z.iso.datetime(),
});
export type ExportView = z.infer<typeof ExportViewSchema>;

export const ExportResponseSchema = z.object({ export: ExportViewSchema });
export const ExportListSchema = z.object({ exports: z.array(ExportViewSchema) });

export const PartNumberSchema = z.string().regex(/^[1-9][0-9]{0,4}$/, 'a part number from 1');

/** The part route answers with JSON instead of a redirect when the client asks for it (the console). */
export const ExportDownloadSchema = z.object({
  url: z.url(),
  expiresInSeconds: z.number().int(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
});

/** What the workflow carries between states: ids only, never PHI. */
export const ExportTaskInputSchema = z
  .object({
    step: z.enum(['plan', 'write-part', 'finish', 'fail']),
    orgId: z.string().min(1).max(64),
    exportId: IdSchema,
  })
  .strict();
export type ExportTaskInput = z.infer<typeof ExportTaskInputSchema>;
export const ExportTaskResultSchema = z.object({ done: z.boolean() });
export type ExportTaskResult = z.infer<typeof ExportTaskResultSchema>;

/** Seconds a presigned part URL lives: long enough to start a download, never long enough to forward. */
export const EXPORT_DOWNLOAD_URL_SECONDS = 60;
/** Parts are deleted by the bucket's lifecycle rule after this many days. */
export const EXPORT_RETENTION_DAYS = 7;
