import type { Disclosure } from '#schemas/sharing/disclosures';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import type { SharingDeps } from './ports';

/**
 * The accounting of disclosures for one patient of the caller's organization: every share that included
 * the patient's data, oldest first. A patient the organization never disclosed has an empty list; a
 * patient of another organization is indistinguishable from that.
 */
export async function patientDisclosures(
  deps: SharingDeps,
  principal: CustomerPrincipal,
  patientId: string,
): Promise<Disclosure[]> {
  const shares = await deps.store.listShares(principal.orgId);
  return shares
    .filter((share) => share.patientId === patientId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((share) => ({
      kind: 'share' as const,
      id: share.shareId,
      disclosedAt: share.createdAt,
      recipient: share.recipientEmail,
      studyInstanceUid: share.studyInstanceUid,
      seriesInstanceUids: share.seriesInstanceUids,
      scope: share.scope,
      deidentified: share.deidentify,
      purpose: share.purpose,
      disclosedBy: share.createdBy,
      endsAt: share.expiresAt,
      revokedAt: share.revokedAt,
      uses: share.uses,
    }));
}
