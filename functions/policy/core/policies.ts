import type {
  PolicyAcceptance,
  PolicyDocumentView,
  PolicyNotice,
  PolicyVersionList,
  PolicyVersionSummary,
} from '#schemas/policy/policy';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import { NotFoundError } from '../../shared/errors';
import { documentInForce } from './documents';
import type { PolicyDocument, PolicyLibrary, PolicyReadDeps, PolicyStore } from './ports';

async function publishedAt(deps: PolicyReadDeps): Promise<Map<number, string>> {
  const publications = await deps.store.listPublications();
  return new Map(publications.map((publication) => [publication.version, publication.publishedAt]));
}

function summary(document: PolicyDocument, published: Map<number, string>): PolicyVersionSummary {
  const { markdown: _markdown, ...front } = document;
  return { ...front, publishedAt: published.get(document.version) ?? null };
}

/**
 * One version with its "Last Updated" date and text [PP-23]: the one in force, or any other by number
 * (older versions stay readable), with the list of every version, newest first.
 */
export async function readPolicy(deps: PolicyReadDeps, version?: number): Promise<PolicyDocumentView> {
  const documents = deps.library.documents();
  const inForce = documentInForce(documents, deps.clock.now());
  const document =
    version === undefined ? inForce : documents.find((candidate) => candidate.version === version);
  if (!document) {
    throw new NotFoundError(
      version === undefined ? 'No privacy policy is in force yet.' : 'No such version of the privacy policy.',
    );
  }
  const published = await publishedAt(deps);
  return {
    ...summary(document, published),
    markdown: document.markdown,
    html: deps.renderer.toHtml(document.markdown),
    current: inForce?.version ?? null,
    versions: [...documents].reverse().map((candidate) => summary(candidate, published)),
  };
}

/** Every version without its text, newest first, and the one in force [PP-23]. */
export async function listPolicyVersions(deps: PolicyReadDeps): Promise<PolicyVersionList> {
  const documents = deps.library.documents();
  const published = await publishedAt(deps);
  return {
    current: documentInForce(documents, deps.clock.now())?.version ?? null,
    versions: [...documents].reverse().map((document) => summary(document, published)),
  };
}

/** The notice a member still owes an acknowledgement of, for GET /v1/me; null when none. */
export function pendingNotice(
  library: PolicyLibrary,
  member: { policyNoticeVersion?: number; policyNoticeAcknowledgedVersion?: number },
): PolicyNotice | null {
  const version = member.policyNoticeVersion;
  if (version === undefined || (member.policyNoticeAcknowledgedVersion ?? 0) >= version) return null;
  const document = library.documents().find((candidate) => candidate.version === version);
  if (!document) return null;
  return {
    version,
    lastUpdated: document.lastUpdated,
    effectiveDate: document.effectiveDate,
    summary: document.summary,
  };
}

/** The caller acknowledges the notice shown on /v1/me; acknowledging twice changes nothing. */
export async function acknowledgePolicyNotice(
  deps: { store: Pick<PolicyStore, 'acknowledgeNotice'> },
  principal: CustomerPrincipal,
  member: { policyNoticeVersion?: number },
): Promise<{ acknowledgedVersion: number | null }> {
  const version = member.policyNoticeVersion;
  if (version === undefined) return { acknowledgedVersion: null };
  await deps.store.acknowledgeNotice(principal.userId, version);
  return { acknowledgedVersion: version };
}

/** The organization's recorded acceptances, for its administrators; only ever the caller's own. */
export function listOrganizationAcceptances(
  deps: { store: Pick<PolicyStore, 'listAcceptances'> },
  principal: CustomerPrincipal,
  version?: number,
): Promise<PolicyAcceptance[]> {
  return deps.store.listAcceptances(principal.orgId, version);
}
