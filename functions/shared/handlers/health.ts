import type { HealthResponse } from '#schemas/shared/health';
import { httpHandler } from '../http/http-handler';
import { ok } from '../http/responses';
import { routeById } from '../routes';

export const handler = httpHandler(routeById('health'), async () => {
  const body: HealthResponse = { status: 'ok', version: process.env.APP_VERSION ?? 'dev' };
  return ok(body);
});
