import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { billingSummary } from '../core/billing';
import { billingDeps } from '../deps';
import { billingRoutes } from '../routes';

export const handler = httpHandler(billingRoutes.getBilling, async ({ principal }) =>
  ok(await billingSummary(await billingDeps(), principal.orgId)),
);
