import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { readSupportSettings } from '../core/grants';
import { supportSettingsDeps } from '../deps';
import { supportRoutes } from '../routes';

export const handler = httpHandler(supportRoutes.getSupportSettings, async ({ principal }) =>
  ok(await readSupportSettings(supportSettingsDeps(), principal.orgId)),
);
