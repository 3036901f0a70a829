import * as z from 'zod';

/** The API's own OpenAPI 3.1 document, as far as its clients rely on it. */
export const OpenApiDocumentSchema = z
  .object({
    openapi: z.string(),
    info: z.object({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'OpenApiDocument' });
