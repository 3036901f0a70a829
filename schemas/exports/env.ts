import * as z from 'zod';
import type { Binding } from '../shared/env';

/** Env of the exports context's bindings; schemas/shared/env.ts joins them into BINDINGS. */
export const ExportsTableEnvSchema = z.object({ EXPORTS_TABLE_NAME: z.string().min(1) });

export const ExportsBucketEnvSchema = z.object({ EXPORTS_BUCKET_NAME: z.string().min(1) });

/**
 * How the workflow writes an archive: a part closes once it holds this many bytes (one ZIP per part,
 * ZIP64 beyond 4 GiB), and a task invocation stops at a study boundary after this many seconds so a
 * step always ends well inside Lambda's 15 minutes and resumes from its checkpoint.
 */
export const EXPORT_WRITER_DEFAULTS = {
  EXPORT_PART_MAX_BYTES: 8 * 1024 * 1024 * 1024,
  EXPORT_TASK_BUDGET_SECONDS: 600,
  /** Frames rendered as PNG per multi-frame file (the rest are in the DICOM file). */
  EXPORT_MAX_RENDERED_FRAMES: 100,
} as const;

export const ExportWriterEnvSchema = ExportsBucketEnvSchema.extend({
  EXPORT_PART_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(EXPORT_WRITER_DEFAULTS.EXPORT_PART_MAX_BYTES),
  EXPORT_TASK_BUDGET_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(840)
    .default(EXPORT_WRITER_DEFAULTS.EXPORT_TASK_BUDGET_SECONDS),
  EXPORT_MAX_RENDERED_FRAMES: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(EXPORT_WRITER_DEFAULTS.EXPORT_MAX_RENDERED_FRAMES),
});

export const ExportWorkflowEnvSchema = z.object({ EXPORT_WORKFLOW_ARN: z.string().min(1) });

/** Each binding of the exports context and the env vars it sets (infra/exports/bindings.ts grants them). */
export const EXPORTS_BINDINGS = {
  /** GetItem/Query on the exports table. */
  'exports-table:read': ExportsTableEnvSchema,
  /** Read, PutItem and UpdateItem on the exports table (records end by TTL, never by delete). */
  'exports-table:write': ExportsTableEnvSchema,
  /** GetObject of written parts only: the download route presigns them. */
  'exports-store:read': ExportsBucketEnvSchema,
  /** Delete written parts (cancel). */
  'exports-store:discard': ExportsBucketEnvSchema,
  /** Write, read and delete parts and the workflow's plan objects (multipart uploads). */
  'exports-store:write': ExportWriterEnvSchema,
  /** StartExecution and StopExecution of the export workflow. */
  'export-workflow:start': ExportWorkflowEnvSchema,
} as const;

/**
 * The export task reads everything the organization holds — imaging index and files, accounts, audit
 * trail, shares, support, billing, mail preferences, policy acceptances — and writes only the exports
 * bucket and table (plus its own audit records and the ready mail).
 */
export const EXPORT_TASK_BINDINGS = [
  'exports-table:write',
  'exports-store:write',
  'imaging-index:read',
  'imaging-store:read',
  'accounts-table:read',
  'audit-table:read',
  'audit-table:append',
  'sharing-table:read',
  'support-table:read',
  'support-messages:key',
  'billing-table:read',
  'stripe:secret',
  'mail-table:read',
  'mail:send',
] as const satisfies readonly Binding[];
