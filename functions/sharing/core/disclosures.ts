import type { Disclosure } from '#schemas/sharing/disclosures';
import type { ImagingIndex } from '../../imaging/core/ports';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import { NotFoundError } from '../../shared/errors';
import type { SharingDeps } from './ports';

/**
 * The accounting of disclosures for one patient of the caller's organization: every share that included
 * the patient's data, oldest first. A patient the organization holds but never disclosed has an empty
 * list; a patient it neither holds nor disclosed (another organization's, or none) is not found.
 */
export async function patientDisclosures(
  deps: SharingDeps & { index: Pick<ImagingIndex, 'searchStudies'> },
  principal: CustomerPrincipal,
  patientId: string,
): Promise<Disclosure[]> {
  const shares = (await deps.store.listShares(principal.orgId)).filter(
    (share) => share.patientId === patientId,
  );
  if (
    shares.length === 0 &&
    (await deps.index.searchStudies(principal.orgId, { patientId }, 1)).length === 0
  ) {
    throw new NotFoundError('Patient not found.');
  }
  return shares
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
