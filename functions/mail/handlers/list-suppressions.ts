import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listOrganizationSuppressions } from '../core/suppressions';
import { mailStoreForReading } from '../deps';
import { mailRoutes } from '../routes';

export const handler = httpHandler(mailRoutes.listSuppressions, async ({ principal }) =>
  ok(await listOrganizationSuppressions({ store: mailStoreForReading() }, principal.orgId)),
);
