import { httpHandler } from '../../shared/composition/http-handler';
import { created } from '../../shared/http/responses';
import { openPortal } from '../core/billing';
import { billingDeps } from '../deps';
import { billingRoutes } from '../routes';

export const handler = httpHandler(billingRoutes.openPortal, async ({ principal }) =>
  created(await openPortal(await billingDeps(), principal.orgId)),
);
