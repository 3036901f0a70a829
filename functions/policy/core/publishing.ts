import type { PublicationResult } from '#schemas/policy/policy';
import { InvalidInputError } from '../../shared/errors';
import { policyNoticeMail } from './notice-mail';
import type { PublishDeps } from './ports';

/**
 * Publishes one version [PP-23]: records it (once), and when it is material tells every active member of
 * every organization by transactional mail, whatever their marketing preferences: a policy notice is a
 * service notice [PP-22]. Each member is marked before the mail goes, with a conditional write, so a
 * second run (a retry after a failure, or a mistaken repeat) mails nobody twice and finishes what the
 * first left undone. A non-material version is recorded and mails nobody.
 */
export async function publishPolicyVersion(deps: PublishDeps, version: number): Promise<PublicationResult> {
  const document = deps.library.documents().find((candidate) => candidate.version === version);
  if (!document) throw new InvalidInputError(`There is no policies/privacy/${version}.md to publish.`);
  const newlyPublished = await deps.store.recordPublication({
    version,
    material: document.material,
    publishedAt: deps.clock.now().toISOString(),
  });
  const members = await deps.store.listActiveMembers();
  let notified = 0;
  let alreadyNotified = 0;
  if (document.material) {
    for (const member of members) {
      if (!(await deps.store.markNoticePending(member.userId, version))) {
        alreadyNotified += 1;
        continue;
      }
      await deps.mailer.send(policyNoticeMail(member, document, deps.appBaseUrl));
      notified += 1;
    }
  }
  return {
    version,
    material: document.material,
    newlyPublished,
    activeUsers: members.length,
    notified,
    alreadyNotified,
  };
}
