import { httpHandler } from '../composition/http-handler';
import { ok } from '../http/responses';
import { platformRoutes } from '../platform-routes';

export const handler = httpHandler(platformRoutes.health, async () =>
  ok({ status: 'ok' as const, version: process.env.APP_VERSION ?? 'dev' }),
);
