import { httpHandler } from '../../shared/composition/http-handler';
import { policyResponse } from '../adapters/policy-response';
import { readPolicy } from '../core/policies';
import { policyReadDeps } from '../deps';
import { policyRoutes } from '../routes';

export const handler = httpHandler(policyRoutes.getCurrentPolicy, async ({ raw, query }) =>
  policyResponse(raw, await readPolicy(policyReadDeps(), query.version)),
);
