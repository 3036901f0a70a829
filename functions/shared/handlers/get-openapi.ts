import { httpHandler } from '../http/http-handler';
import { ok } from '../http/responses';
import { once } from '../once';
import { buildOpenApiDocument } from '../openapi';
import { routeById } from '../routes';

const document = once(() => buildOpenApiDocument(process.env.APP_VERSION ?? 'dev'));

export const handler = httpHandler(routeById('getOpenApi'), async () => ok(document()));
