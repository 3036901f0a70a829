import type { z } from 'zod';
import { QIDO_TAG_KEYWORDS } from '#schemas/imaging/qido';
import { InvalidInputError } from '../../shared/errors';
import type { RawRequest } from '../../shared/http/http-handler';
import type { HttpResult } from '../../shared/http/responses';
import { dicomJson } from './dicomweb-http';

/** PS3.18 §8.3.4.4: tell the client the list was cut short. */
const TRUNCATED =
  '299 PACScribe "The number of results exceeded the maximum supported by the server. Additional results can be requested."';

/** QIDO parameters by keyword or by tag (00100020 = PatientID), checked against the level's schema. */
export function parseQidoQuery<Schema extends z.ZodType>(schema: Schema, raw: RawRequest): z.infer<Schema> {
  const keyed = Object.fromEntries(
    Object.entries(raw.queryParameters).map(([name, value]) => [
      QIDO_TAG_KEYWORDS[name.toUpperCase()] ?? name,
      value,
    ]),
  );
  const parsed = schema.safeParse(keyed);
  if (!parsed.success) {
    throw new InvalidInputError(
      'The search parameters are invalid.',
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  return parsed.data;
}

export function qidoResponse(results: unknown[], truncated: boolean): HttpResult {
  return dicomJson(results, 200, truncated ? { warning: TRUNCATED } : {});
}
