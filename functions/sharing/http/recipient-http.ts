import type { ShareAccessKind } from '#schemas/sharing/shares';
import { UnauthenticatedError } from '../../shared/errors';
import type { AuditNotes, RawRequest } from '../../shared/http/http-handler';
import type { ShareRecord, SharingDeps } from '../core/ports';
import { sharedSession } from '../core/redemption';
import { sessionTokenOf } from './share-session-cookie';

/**
 * Names the share in its organization's trail, with its recipient: the recipient has no PACScribe
 * identity, so the record's actor is anonymous and the reason says who the share was for.
 */
export function noteShare(audit: AuditNotes, share: ShareRecord): void {
  audit.subject = { orgId: share.orgId, userId: null };
  audit.reason = `share ${share.shareId} for ${share.recipientEmail}`;
  audit.objects.push({ type: 'share', id: share.shareId });
}

/** One entry of the share's own access log, written before the response leaves (or the request fails). */
export async function recordShareAccess(
  deps: SharingDeps,
  share: ShareRecord,
  kind: ShareAccessKind,
  context: { requestId: string; raw: RawRequest },
  detail: string | null,
): Promise<void> {
  await deps.store.recordAccess({
    shareId: share.shareId,
    at: deps.clock.now().toISOString(),
    kind,
    requestId: context.requestId,
    sourceIp: context.raw.sourceIp,
    detail,
  });
}

/**
 * The share of a request that needs an open session (images, downloads): the link must open an active
 * share and the cookie a live session of that same share, or nothing is read.
 */
export async function shareUnderSession(
  deps: SharingDeps,
  token: string,
  raw: RawRequest,
  audit: AuditNotes,
): Promise<ShareRecord> {
  const { share, session } = await sharedSession(deps, token, sessionTokenOf(raw));
  noteShare(audit, share);
  if (session !== 'open') throw new UnauthenticatedError('Open the share link and enter your code first.');
  return share;
}
