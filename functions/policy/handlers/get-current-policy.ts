import { httpHandler } from '../../shared/composition/http-handler';
import { readPolicy } from '../core/policies';
import { policyReadDeps } from '../deps';
import { policyRoutes } from '../routes';
import { policyResponse } from './html-negotiation';

export const handler = httpHandler(policyRoutes.getCurrentPolicy, async ({ raw, query }) =>
  policyResponse(raw, await readPolicy(policyReadDeps(), query.version)),
);
