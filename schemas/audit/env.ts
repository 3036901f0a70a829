import * as z from 'zod';
import type { Binding } from '../shared/env';

/** Env of the audit context's bindings; schemas/shared/env.ts joins them into BINDINGS. */
export const AuditTableEnvSchema = z.object({ AUDIT_TABLE_NAME: z.string().min(1) });

export const AuditArchiveEnvSchema = z.object({ AUDIT_ARCHIVE_BUCKET_NAME: z.string().min(1) });

export const AuditCheckpointKeyEnvSchema = z.object({ AUDIT_CHECKPOINT_KEY_ARN: z.string().min(1) });

/** Each binding of the audit context and the env vars it sets (infra/audit/bindings.ts grants them). */
export const AUDIT_BINDINGS = {
  /** Every route: read the chain head (GetItem/Query on the table) and PutItem; never update or delete. */
  'audit-table:append': AuditTableEnvSchema,
  /** Reviewers' queries: Query on the table and its gsi1 index. */
  'audit-table:read': AuditTableEnvSchema,
  /** The stream archiver: PutObject (records and checkpoints) into the Object Lock archive bucket only. */
  'audit-archive:write': AuditArchiveEnvSchema,
  /** The stream archiver: kms:Sign with the checkpoint key (asymmetric, ECC_NIST_P256), nothing else. */
  'audit-checkpoint:sign': AuditCheckpointKeyEnvSchema,
} as const;

/** The audit archiver (stream-triggered, not a route). */
export const AUDIT_ARCHIVER_BINDINGS = [
  'audit-archive:write',
  'audit-checkpoint:sign',
] as const satisfies readonly Binding[];
