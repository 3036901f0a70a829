import * as z from 'zod';

/** Env of the sharing context's bindings; schemas/shared/env.ts joins them into BINDINGS. */
export const SharingTableEnvSchema = z.object({ SHARING_TABLE_NAME: z.string().min(1) });

/**
 * Where share links point: the API's own domain in AWS (the redemption page is served by PACScribe
 * behind it), the local router's URL locally.
 */
export const ShareLinkEnvSchema = z.object({ SHARE_LINK_BASE_URL: z.url() });

/** Each binding of the sharing context and the env vars it sets (infra/sharing/bindings.ts grants them). */
export const SHARING_BINDINGS = {
  /** Shares, their access log, sessions and counters: GetItem/Query on the table and its index. */
  'sharing-table:read': SharingTableEnvSchema,
  /**
   * Shares, one-time codes, sessions and rate counters: read and write. Codes are deleted once used;
   * everything else ends by the table's TTL.
   */
  'sharing-table:write': SharingTableEnvSchema,
  /** The base URL mailed share links start with (no resource grant). */
  'share-links:issue': ShareLinkEnvSchema,
} as const;
