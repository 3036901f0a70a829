import * as z from 'zod';
import { ChainPositionShape } from './audit-event';

/** A chain head as witnessed: the newest archived record of one chain, by position and hash. */
export const CheckpointHeadSchema = z.object({
  orgId: z.string().min(1),
  ...ChainPositionShape,
});

/**
 * A signed chain head, as stored in the Object Lock archive under
 * `checkpoints/org=<orgId>/chain=<cc>/seq=<12 digits>.json`. The signature (base64, DER ECDSA P-256 over
 * SHA-256) covers the RFC 8785 canonical JSON of every other field.
 */
export const AuditCheckpointSchema = CheckpointHeadSchema.extend({
  signedAt: z.iso.datetime(),
  /** Which key signed: the KMS key ARN in AWS, `local:<fingerprint>` on the local stack. */
  keyId: z.string().min(1),
  signature: z.base64().min(1),
});

export type CheckpointHead = z.infer<typeof CheckpointHeadSchema>;
export type AuditCheckpoint = z.infer<typeof AuditCheckpointSchema>;
