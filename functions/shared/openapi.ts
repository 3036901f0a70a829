import * as z from 'zod';
import {
  createDocument,
  type ZodOpenApiContentObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import { ErrorBodySchema } from '#schemas/shared/errors';
import { DEFAULT_MAX_BODY_BYTES } from './http/request-parsing';
import type { PathParameter, RouteDefinition, RouteResponse } from './http/route';
import { routes } from './routes';

const COMMON_ERRORS: Record<number, string> = {
  400: 'The request is malformed or fails validation.',
  401: 'Missing, invalid, expired or revoked access token.',
  403: 'The caller lacks the permission this route requires.',
  413: 'The body is larger than this route accepts.',
  415: 'The content type or encoding is not accepted.',
  503: 'A dependency, or the audit trail, was unavailable; nothing was changed.',
};

const BinarySchema = z.string().meta({ format: 'binary' });
const isJson = (mediaType: string) => /^application\/(.+\+)?json$/.test(mediaType);
const errorContent: ZodOpenApiContentObject = { 'application/json': { schema: ErrorBodySchema } };

/**
 * A documented response as it is sent: its own media types (DICOM JSON, multipart/related, files), JSON
 * when it names none, nothing for 204. Only error statuses without a body of their own carry the error body.
 */
function responseObject(status: number, response: RouteResponse): ZodOpenApiResponseObject {
  if (response.mediaTypes) {
    const content: ZodOpenApiContentObject = {};
    for (const mediaType of response.mediaTypes) {
      content[mediaType] = {
        schema: isJson(mediaType) && response.schema ? response.schema : BinarySchema,
      };
    }
    return { description: response.description, content };
  }
  if (response.schema) {
    return {
      description: response.description,
      content: { 'application/json': { schema: response.schema } },
    };
  }
  if (status >= 400) return { description: response.description, content: errorContent };
  return { description: response.description };
}

function pathParametersSchema(parameters: Readonly<Record<string, PathParameter>>) {
  return z.object(
    Object.fromEntries(
      Object.entries(parameters).map(([name, rule]) => [
        name,
        rule.schema.meta({ description: rule.description }),
      ]),
    ),
  );
}

function requestBody(route: RouteDefinition): ZodOpenApiOperationObject['requestBody'] {
  const limit = `At most ${route.request?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES} bytes.`;
  if (route.request?.body) {
    return {
      required: true,
      description: limit,
      content: { 'application/json': { schema: route.request.body } },
    };
  }
  if (route.request?.rawBody) {
    return {
      required: true,
      description: `${route.request.rawBody.description} ${limit}`,
      content: { [route.request.rawBody.mediaType]: { schema: BinarySchema } },
    };
  }
  return undefined;
}

function operation(route: RouteDefinition): ZodOpenApiOperationObject {
  const isPublic = route.access.kind === 'public';
  const hasBody = Boolean(route.request?.body || route.request?.rawBody);
  const hasParameters = Object.keys(route.pathParameters).length > 0;
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    if (response) responses[status] = responseObject(Number(status), response);
  }
  for (const [status, description] of Object.entries(COMMON_ERRORS)) {
    if (isPublic && (status === '401' || status === '403')) continue;
    if (!hasBody && (status === '413' || status === '415')) continue;
    if (!hasBody && !route.request?.query && !hasParameters && status === '400') continue;
    responses[status] ??= { description, content: errorContent };
  }
  const body = requestBody(route);
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
    ...(route.audit ? { 'x-pacscribe-audit-event': route.audit } : {}),
    ...(hasParameters || route.request?.query
      ? {
          requestParams: {
            ...(hasParameters ? { path: pathParametersSchema(route.pathParameters) } : {}),
            ...(route.request?.query ? { query: route.request.query as never } : {}),
          },
        }
      : {}),
    ...(body ? { requestBody: body } : {}),
    responses: responses as ZodOpenApiOperationObject['responses'],
  };
}

/** The OpenAPI 3.1 document, generated from the route table and its zod schemas. */
export function buildOpenApiDocument(version: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
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
