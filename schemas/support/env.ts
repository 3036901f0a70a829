import * as z from 'zod';
import type { Binding } from '../shared/env';

/** Env of the support context's bindings; schemas/shared/env.ts joins them into BINDINGS. */
export const SupportTableEnvSchema = z.object({ SUPPORT_TABLE_NAME: z.string().min(1) });

/** Writers stamp each item with its expiry: kept this long after its last write (default six years). */
export const SupportTableWriteEnvSchema = SupportTableEnvSchema.extend({
  SUPPORT_TICKET_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500),
});

/**
 * Envelope encryption of ticket contents (AWS Encryption SDK): a KMS key ARN in AWS; locally
 * `file:<path>`, a raw AES-256 key the local stack made (no KMS emulator exists).
 */
export const SupportMessageKeyEnvSchema = z.object({
  SUPPORT_MESSAGE_KEY: z.string().min(1),
});

/** Where SES receiving stores inbound support mail (raw MIME), read by the filing function. */
export const SupportInboundMailEnvSchema = z.object({
  SUPPORT_INBOUND_MAIL_BUCKET_NAME: z.string().min(1),
  SUPPORT_INBOUND_MAIL_PREFIX: z.string().min(1),
});

/** Each binding of the support context and the env vars it sets (infra/support/bindings.ts grants them). */
export const SUPPORT_BINDINGS = {
  /** Tickets, grants and settings: GetItem/Query on the table and its indexes. */
  'support-table:read': SupportTableEnvSchema,
  /** Tickets, grants and settings: read and write (never delete; retention is the table's TTL). */
  'support-table:write': SupportTableWriteEnvSchema,
  /**
   * Routes support may read under a grant: GetItem of grant items only (dynamodb:LeadingKeys GRANT#*),
   * so the authorization step can check the X-Support-Grant header and nothing else in the table.
   */
  'support-grants:lookup': SupportTableEnvSchema,
  /** Seal and open ticket contents with the support message key (GenerateDataKey, Decrypt). */
  'support-messages:key': SupportMessageKeyEnvSchema,
  /** GetObject under the inbound prefix of the inbound mail bucket. */
  'support-inbound-mail:read': SupportInboundMailEnvSchema,
} as const;

/** The function SES receiving invokes for mail to the support address (not a route). */
export const SUPPORT_MAIL_INTAKE_BINDINGS = [
  'accounts-table:read',
  'support-table:write',
  'support-messages:key',
  'support-inbound-mail:read',
  'mail:send',
] as const satisfies readonly Binding[];
