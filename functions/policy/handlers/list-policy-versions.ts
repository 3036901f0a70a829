import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listPolicyVersions } from '../core/policies';
import { policyReadDeps } from '../deps';
import { policyRoutes } from '../routes';

export const handler = httpHandler(policyRoutes.listPolicyVersions, async () =>
  ok(await listPolicyVersions(policyReadDeps())),
);
