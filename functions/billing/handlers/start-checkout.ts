import { httpHandler } from '../../shared/composition/http-handler';
import { created } from '../../shared/http/responses';
import { startCheckout } from '../core/billing';
import { billingDeps } from '../deps';
import { billingRoutes } from '../routes';

export const handler = httpHandler(billingRoutes.startCheckout, async ({ principal, body }) =>
  created(await startCheckout(await billingDeps(), principal.orgId, body)),
);
