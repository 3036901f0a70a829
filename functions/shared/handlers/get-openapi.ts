import { httpHandler } from '../composition/http-handler';
import { ok } from '../http/responses';
import { once } from '../once';
import { buildOpenApiDocument } from '../openapi';
import { platformRoutes } from '../platform-routes';

const document = /* @__PURE__ */ once(() => buildOpenApiDocument(process.env.APP_VERSION ?? 'dev'));

export const handler = httpHandler(platformRoutes.getOpenApi, async () => ok(document()));
