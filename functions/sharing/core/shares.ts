import type { CreateShareBody, ShareView } from '#schemas/sharing/shares';
import type { ImagingIndex } from '../../imaging/core/ports';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/errors';
import type { ShareDirectory, ShareMail, ShareRecord, SharingDeps } from './ports';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CreateShareDeps extends SharingDeps {
  index: Pick<ImagingIndex, 'getStudy' | 'listSeries'>;
  mail: ShareMail;
  directory: ShareDirectory;
  /** Where links point: `${linkBase}/s/<token>`. */
  linkBase: string;
}

/** A share's state now: revoked, expired and used-up shares open nothing. */
export function shareStatus(share: ShareRecord, now: Date): ShareView['status'] {
  if (share.revokedAt) return 'revoked';
  if (Date.parse(share.expiresAt) <= now.getTime()) return 'expired';
  if (share.maxUses !== null && share.uses >= share.maxUses) return 'exhausted';
  return 'active';
}

export function toShareView(share: ShareRecord, now: Date): ShareView {
  return {
    shareId: share.shareId,
    studyInstanceUid: share.studyInstanceUid,
    seriesInstanceUids: share.seriesInstanceUids,
    recipientEmail: share.recipientEmail,
    scope: share.scope,
    deidentify: share.deidentify,
    passcodeRequired: share.passcodeHash !== null,
    purpose: share.purpose,
    status: shareStatus(share, now),
    createdAt: share.createdAt,
    createdBy: share.createdBy,
    expiresAt: share.expiresAt,
    maxUses: share.maxUses,
    uses: share.uses,
    revokedAt: share.revokedAt,
    revokedBy: share.revokedBy,
  };
}

/** The link's path: the token is the whole secret, so nothing else identifies the share. */
export const sharePath = (token: string) => `/s/${token}`;

/** Idempotency keys are per member, so one member's key never meets another's share. */
const idempotencyScope = (principal: CustomerPrincipal, key: string) =>
  `${principal.orgId}#${principal.userId}#${key}`;

/**
 * Shares a study (or some of its series) with one external address [PP-07]. The study and every named
 * series must be the organization's (foreign and missing both 404). The recipient is mailed the link
 * before the share is stored: a failed mail stores nothing, a failed write leaves a link that opens
 * nothing. A retry with the same idempotency key answers the stored share, without the link.
 */
export async function createShare(
  deps: CreateShareDeps,
  principal: CustomerPrincipal,
  body: CreateShareBody,
  idempotencyKey: string | null,
): Promise<{ share: ShareRecord; link: string | null; replayed: boolean }> {
  assertShareable(body);
  const scopeKey = idempotencyKey ? idempotencyScope(principal, idempotencyKey) : null;
  if (scopeKey) {
    const earlier = await deps.store.shareForIdempotencyKey(scopeKey);
    if (earlier) return replay(earlier, body);
  }
  const study = await deps.index.getStudy(principal.orgId, body.studyInstanceUid);
  if (!study) throw new NotFoundError('Study not found.');
  let seriesUids: string[] | null = null;
  if (body.seriesInstanceUids) {
    const present = new Set(
      (await deps.index.listSeries(principal.orgId, body.studyInstanceUid)).map(
        (series) => series.seriesInstanceUid,
      ),
    );
    seriesUids = [...new Set(body.seriesInstanceUids)];
    const missing = seriesUids.filter((uid) => !present.has(uid));
    if (missing.length > 0) throw new NotFoundError('Series not found in that study.');
  }
  const now = deps.clock.now();
  const token = deps.secrets.newToken();
  const share: ShareRecord = {
    shareId: deps.ids.newId(),
    orgId: principal.orgId,
    tokenHash: deps.secrets.digest(token),
    studyInstanceUid: body.studyInstanceUid,
    seriesInstanceUids: seriesUids,
    patientId: study.patientId,
    recipientEmail: body.recipientEmail,
    scope: body.scope,
    deidentify: body.deidentify,
    uidKey: deps.secrets.newKey(),
    passcodeHash: body.passcode ? await deps.secrets.hashPasscode(body.passcode) : null,
    purpose: body.purpose ?? null,
    createdAt: now.toISOString(),
    createdBy: principal.userId,
    expiresAt: new Date(now.getTime() + body.expiresInDays * DAY_MS).toISOString(),
    maxUses: body.maxUses ?? null,
    uses: 0,
    revokedAt: null,
    revokedBy: null,
  };
  const link = new URL(sharePath(token), deps.linkBase).toString();
  const [organizationName, senderName] = await Promise.all([
    deps.directory.organizationName(principal.orgId),
    deps.directory.memberName(principal.orgId, principal.userId),
  ]);
  await deps.mail.shareCreated(share.recipientEmail, {
    link,
    organizationName: organizationName ?? 'A PACScribe customer',
    senderName: senderName ?? 'A member of staff',
    expiresAt: share.expiresAt,
  });
  if ((await deps.store.createShare(share, scopeKey)) === 'duplicate' && scopeKey) {
    const earlier = await deps.store.shareForIdempotencyKey(scopeKey);
    if (earlier) return replay(earlier, body);
    throw new ConflictError('A share with this Idempotency-Key is being created; retry.');
  }
  return { share, link, replayed: false };
}

function replay(earlier: ShareRecord, body: CreateShareBody) {
  if (
    earlier.studyInstanceUid !== body.studyInstanceUid ||
    earlier.recipientEmail !== body.recipientEmail ||
    earlier.scope !== body.scope
  ) {
    throw new ConflictError('This Idempotency-Key was used for a different share.');
  }
  return { share: earlier, link: null, replayed: true };
}

/** Whether the member sees every share of the organization, or only those they made. */
const seesAllShares = (principal: CustomerPrincipal) =>
  principal.permissions.has('manage-users') || principal.permissions.has('view-audit');

/** The organization's shares, newest first; a member without oversight sees only their own. */
export async function listShares(deps: SharingDeps, principal: CustomerPrincipal): Promise<ShareView[]> {
  const now = deps.clock.now();
  const shares = await deps.store.listShares(principal.orgId);
  return shares
    .filter((share) => seesAllShares(principal) || share.createdBy === principal.userId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((share) => toShareView(share, now));
}

/** One share of the caller's organization that the caller may manage; anything else is not found. */
export async function manageableShare(
  deps: SharingDeps,
  principal: CustomerPrincipal,
  shareId: string,
): Promise<ShareRecord> {
  const share = await deps.store.getShare(shareId);
  if (!share || share.orgId !== principal.orgId) throw new NotFoundError('Share not found.');
  if (!seesAllShares(principal) && share.createdBy !== principal.userId) {
    throw new NotFoundError('Share not found.');
  }
  return share;
}

/** Ends a share now: every later request under its link or its open sessions is refused. */
export async function revokeShare(
  deps: SharingDeps,
  principal: CustomerPrincipal,
  shareId: string,
): Promise<ShareView> {
  const share = await manageableShare(deps, principal, shareId);
  if (share.revokedAt) return toShareView(share, deps.clock.now());
  const revoked = await deps.store.revokeShare(shareId, deps.clock.now().toISOString(), principal.userId);
  if (!revoked) throw new NotFoundError('Share not found.');
  return toShareView(revoked, deps.clock.now());
}

export async function shareAccessLog(deps: SharingDeps, principal: CustomerPrincipal, shareId: string) {
  const share = await manageableShare(deps, principal, shareId);
  const accesses = await deps.store.listAccess(shareId);
  return {
    share: toShareView(share, deps.clock.now()),
    accesses: accesses
      .sort((a, b) => a.at.localeCompare(b.at))
      .map(({ at, kind, requestId, sourceIp, detail }) => ({ at, kind, requestId, sourceIp, detail })),
  };
}

/** Input checks the schema cannot make: a passcode is only useful with something to protect. */
export function assertShareable(body: CreateShareBody): void {
  if (body.passcode !== undefined && body.passcode.trim().length < 6) {
    throw new InvalidInputError('The passcode is too short.', [
      { path: 'passcode', message: 'at least 6 characters besides spaces' },
    ]);
  }
}

export type { ShareDirectory };
