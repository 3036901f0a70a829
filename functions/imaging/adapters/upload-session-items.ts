import * as z from 'zod';
import { UploadSessionStatusSchema } from '#schemas/imaging/upload-session';
import type { UploadResult, UploadSession } from '../core/upload-ports';

/**
 * Keys and items of the uploads table (infra/data/table-definitions.ts):
 *   ORG#<orgId>#UPLOAD#<sessionId> / SESSION            the session: status, size, staging key, checkpoint
 *   ORG#<orgId>#UPLOAD#<sessionId> / RESULTS#<000042>   a committed page of per-instance results
 * These strings are stored: changing one orphans every session written before it.
 */

export const uploadPartition = (orgId: string, sessionId: string) => `ORG#${orgId}#UPLOAD#${sessionId}`;
export const SESSION_SORT_KEY = 'SESSION';
export const sessionKey = (orgId: string, sessionId: string) => ({
  pk: uploadPartition(orgId, sessionId),
  sk: SESSION_SORT_KEY,
});
/** Zero-padded, so pages sort in their order. */
export const resultPageSortKey = (index: number) => `RESULTS#${String(index).padStart(6, '0')}`;

/** The table's TTL attribute: epoch seconds. */
export const TTL_ATTRIBUTE = 'expiresAtEpoch';
export const epochSeconds = (iso: string) => Math.ceil(Date.parse(iso) / 1000);

export function sessionItem(session: UploadSession): Record<string, unknown> {
  return {
    ...sessionKey(session.orgId, session.sessionId),
    ...session,
    [TTL_ATTRIBUTE]: epochSeconds(session.expiresAt),
  };
}

export function resultPageItem(
  session: UploadSession,
  page: { index: number; results: UploadResult[] },
): Record<string, unknown> {
  return {
    pk: uploadPartition(session.orgId, session.sessionId),
    sk: resultPageSortKey(page.index),
    // Serialized: one attribute per page keeps the item small and its shape ours.
    results: JSON.stringify(page.results),
    [TTL_ATTRIBUTE]: epochSeconds(session.expiresAt),
  };
}

const Count = z.number().int().nonnegative();

export const SessionItemSchema = z.object({
  orgId: z.string(),
  sessionId: z.string(),
  status: UploadSessionStatusSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  createdBy: z.object({ userId: z.string(), role: z.string().nullable() }),
  totalBytes: Count,
  contentType: z.string(),
  studyInstanceUid: z.string().nullable(),
  partSizeBytes: Count,
  partCount: Count,
  objectKey: z.string(),
  uploadId: z.string(),
  counts: z.object({ stored: Count, failed: Count }),
  progress: z.object({ nextOffset: Count, partsRead: Count, resultPages: Count }),
  error: z.string().nullable(),
  finishedAt: z.string().nullable(),
}) satisfies z.ZodType<UploadSession>;

const UploadResultSchema = z.union([
  z.object({
    sopClassUid: z.string().nullable(),
    sopInstanceUid: z.string().nullable(),
    failureReason: z.number().int(),
    message: z.string(),
  }),
  z.object({
    sopClassUid: z.string(),
    sopInstanceUid: z.string(),
    studyInstanceUid: z.string(),
    seriesInstanceUid: z.string(),
  }),
]) satisfies z.ZodType<UploadResult>;

export const ResultPageItemSchema = z.object({
  results: z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.array(UploadResultSchema)),
});
