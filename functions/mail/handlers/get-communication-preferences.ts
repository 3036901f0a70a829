import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { getCommunicationPreferences } from '../core/preferences';
import { preferenceReadDeps } from '../deps';
import { mailRoutes } from '../routes';

export const handler = httpHandler(mailRoutes.getCommunicationPreferences, async ({ principal, audit }) => {
  audit.objects.push({ type: 'user', id: principal.userId });
  return ok(await getCommunicationPreferences(preferenceReadDeps(), principal));
});
