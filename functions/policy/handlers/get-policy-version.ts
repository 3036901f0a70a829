import { httpHandler } from '../../shared/composition/http-handler';
import { policyResponse } from '../adapters/policy-response';
import { readPolicy } from '../core/policies';
import { policyReadDeps } from '../deps';
import { policyRoutes } from '../routes';

export const handler = httpHandler(policyRoutes.getPolicyVersion, async ({ raw, params }) =>
  policyResponse(raw, await readPolicy(policyReadDeps(), Number(params.version))),
);
