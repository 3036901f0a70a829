import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z } from 'zod';
import { CARD_DATA_ISSUE } from '#schemas/shared/card-numbers';
import {
  InvalidInputError,
  InvalidJsonError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../errors';
import type { PathParameter } from './route';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Header lookup is case-insensitive, as HTTP is; API Gateway keeps the client's casing. */
export function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value ?? undefined;
  }
  return undefined;
}

/** The body as bytes; its size is checked on the encoded form first, so nothing oversized is decoded. */
export function decodeBody(event: APIGatewayProxyEvent, maxBytes: number): Buffer {
  const raw = event.body ?? '';
  const encodedLimit = event.isBase64Encoded ? Math.ceil((maxBytes * 4) / 3) + 4 : maxBytes * 4;
  if (raw.length > encodedLimit)
    throw new PayloadTooLargeError(`The body must not exceed ${maxBytes} bytes.`);
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(`The body must not exceed ${maxBytes} bytes.`);
  return bytes;
}

/**
 * Reads a JSON body against a route's schema. Size is checked before anything is decoded or parsed;
 * compressed bodies are refused (a small gzip body can inflate without bound).
 */
export function parseJsonBody<T>(event: APIGatewayProxyEvent, schema: z.ZodType<T>, maxBytes: number): T {
  const text = decodeBody(event, maxBytes).toString('utf8');
  const encoding = headerValue(event, 'content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') {
    throw new UnsupportedMediaTypeError('Compressed request bodies are not accepted.');
  }
  const contentType = headerValue(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new UnsupportedMediaTypeError('The body must be application/json.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidJsonError('The body is not valid JSON.');
  }
  return parseOrRefuse(schema, json, 'The request body is invalid.', '(body)');
}

/** zod issues become the API's issue list: a path and a message each, never the rejected value. */
function parseOrRefuse<T>(schema: z.ZodType<T>, input: unknown, message: string, root: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const cardData = parsed.error.issues.some(
    (issue) => issue.code === 'custom' && issue.params?.code === CARD_DATA_ISSUE.code,
  );
  throw new InvalidInputError(
    cardData
      ? 'The request holds a payment card number; card details are entered only on Stripe’s pages.'
      : message,
    parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || root,
      message: issue.message,
    })),
    cardData ? 'card_data_refused' : 'invalid_request',
  );
}

/** How a route reads its query string (see RouteRequest). */
export interface QueryRules {
  aliases: Readonly<Record<string, string>>;
  repeatable: readonly string[];
}

/**
 * Reads query-string parameters against a route's schema, under their canonical names. A repeated
 * parameter is refused (parameter pollution) unless the route lists it as a comma-separated list.
 */
export function parseQuery<T>(
  event: APIGatewayProxyEvent,
  schema: z.ZodType<T>,
  rules: QueryRules = { aliases: {}, repeatable: [] },
): T {
  const canonical = (name: string) => rules.aliases[name.toUpperCase()] ?? name;
  const values = new Map<string, string[]>();
  const multi = event.multiValueQueryStringParameters;
  const entries: [string, readonly string[]][] = multi
    ? Object.entries(multi).map(([name, list]) => [name, list ?? []])
    : Object.entries(event.queryStringParameters ?? {}).map(([name, value]) => [
        name,
        value === undefined ? [] : [value],
      ]);
  for (const [name, list] of entries) {
    const key = canonical(name);
    values.set(key, [...(values.get(key) ?? []), ...list]);
  }
  const repeated = [...values].filter(([key, list]) => list.length > 1 && !rules.repeatable.includes(key));
  if (repeated.length > 0) {
    throw new InvalidInputError(
      'A query parameter was given more than once.',
      repeated.map(([name]) => ({ path: name, message: 'given more than once' })),
    );
  }
  const query = Object.fromEntries([...values].map(([key, list]) => [key, list.join(',')]));
  return parseOrRefuse(schema, query, 'The query parameters are invalid.', '(query)');
}

/** A path parameter checked against its rule: a malformed id answers like a missing one, a bad UID 400. */
export function parsePathParameter(name: string, rule: PathParameter, value: string | undefined): string {
  const parsed = rule.schema.safeParse(value);
  if (parsed.success) return parsed.data;
  if (rule.malformed === 'not-found') throw new NotFoundError('Not found.');
  throw new InvalidInputError(
    `${name} is malformed.`,
    parsed.error.issues.map((issue) => ({ path: name, message: issue.message })),
  );
}
