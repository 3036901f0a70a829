import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import { ErrorBodySchema } from '#schemas/shared/errors';
import type { RouteDefinition } from './http/route';
import { routes } from './routes';

const COMMON_ERRORS: Record<number, string> = {
  400: 'The request is malformed or fails validation.',
  401: 'Missing, invalid, expired or revoked access token.',
  403: 'The caller lacks the permission this route requires.',
  413: 'The body is larger than this route accepts.',
  415: 'The content type or encoding is not accepted.',
  503: 'A dependency, or the audit trail, was unavailable; nothing was changed.',
};

function operation(route: RouteDefinition): ZodOpenApiOperationObject {
  const errorContent = { 'application/json': { schema: ErrorBodySchema } };
  const isPublic = route.access.kind === 'public';
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = {
      description: response.description,
      content: { 'application/json': { schema: response.schema ?? ErrorBodySchema } },
    };
  }
  for (const [status, description] of Object.entries(COMMON_ERRORS)) {
    if (isPublic && (status === '401' || status === '403')) continue;
    if (!route.request?.body && (status === '413' || status === '415')) continue;
    if (!route.request?.body && !route.request?.query && status === '400') continue;
    responses[status] ??= { description, content: errorContent };
  }
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.context],
    security: isPublic ? [] : route.access.kind === 'workforce' ? [{ workforce: [] }] : [{ cognito: [] }],
    'x-pacscribe-access':
      route.access.kind === 'action'
        ? [route.access.action, ...(route.access.orActions ?? [])].join(' | ')
        : route.access.kind === 'workforce'
          ? `workforce:${route.access.group}`
          : route.access.kind,
    ...(route.request?.query ? { requestParams: { query: route.request.query as never } } : {}),
    ...(route.request?.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: route.request.body } } } }
      : {}),
    responses: responses as ZodOpenApiOperationObject['responses'],
  };
}

/** The OpenAPI 3.1 document, generated from the route table and its zod schemas. */
export function buildOpenApiDocument(version: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes as readonly RouteDefinition[]) {
    const item = paths[route.path] ?? {};
    paths[route.path] = item;
    item[route.method.toLowerCase() as 'get'] = operation(route);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'PACScribe API',
      version,
      description:
        'Cloud PACS whose privacy policy is enforced behaviour. JSON APIs under /v1; DICOMweb under /dicomweb.',
    },
    components: {
      securitySchemes: {
        cognito: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A Cognito access token from the customer user pool.',
        },
        workforce: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "A Cognito access token from PACScribe's workforce (staff) pool.",
        },
      },
    },
    security: [{ cognito: [] }],
    paths,
  });
}
