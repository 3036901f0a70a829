import { pendingNotice } from '../../policy/core/policies';
import { policyLibrary } from '../../policy/deps';
import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { getMe } from '../core/me';
import { accountsRepository } from '../deps';
import { accountsRoutes } from '../routes';

export const handler = httpHandler(accountsRoutes.getMe, async ({ principal, audit }) => {
  audit.objects.push({ type: 'user', id: principal.userId });
  return ok(
    await getMe(
      { accounts: accountsRepository(), policyNotice: (member) => pendingNotice(policyLibrary(), member) },
      principal,
    ),
  );
});
