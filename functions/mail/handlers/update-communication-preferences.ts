import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { updateCommunicationPreferences } from '../core/preferences';
import { preferenceDeps } from '../deps';
import { mailRoutes } from '../routes';

export const handler = httpHandler(
  mailRoutes.updateCommunicationPreferences,
  async ({ principal, body, audit }) => {
    audit.objects.push({ type: 'user', id: principal.userId });
    return ok(await updateCommunicationPreferences(preferenceDeps(), principal, body));
  },
);
