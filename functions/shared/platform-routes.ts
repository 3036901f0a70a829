import { HealthResponseSchema } from '#schemas/shared/health';
import { OpenApiDocumentSchema } from '#schemas/shared/openapi';
import { defineRoute } from './http/route';

/** Routes of no context: liveness and the API's own description. */
export const platformRoutes = {
  health: defineRoute('shared', 'health', {
    method: 'GET',
    path: '/health',
    handler: 'shared/handlers/health',
    pathParameters: {},
    summary: 'Liveness check; returns no customer data.',
    access: { kind: 'public', reason: 'Load balancers and uptime checks call it without credentials.' },
    audit: null,
    bindings: [],
    responses: { 200: { description: 'The service is up.', schema: HealthResponseSchema } },
  }),
  getOpenApi: defineRoute('shared', 'getOpenApi', {
    method: 'GET',
    path: '/v1/openapi.json',
    handler: 'shared/handlers/get-openapi',
    pathParameters: {},
    summary: 'This API described as OpenAPI 3.1, generated from the route table.',
    access: { kind: 'public', reason: 'Describes the API only; holds no customer data.' },
    audit: null,
    bindings: [],
    responses: {
      200: { description: 'The OpenAPI document.', schema: OpenApiDocumentSchema },
    },
  }),
};
