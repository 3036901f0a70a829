import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { updateSupportSettings } from '../core/grants';
import { supportSettingsDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.updateSupportSettings, async ({ principal, body }) =>
  ok(await updateSupportSettings(supportSettingsDeps(), principal.orgId, body)),
);
