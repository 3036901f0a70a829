import * as z from 'zod';

/**
 * A stored item that does not have the shape its adapter writes: a bug or a hand edit, never a client's
 * mistake, so it fails the request instead of being cast into a record with wrong values. The message
 * names the item kind and the failing attributes, never a key or a value: both can carry PHI (PatientID).
 */
export class MalformedItemError extends Error {
  override readonly name = 'MalformedItemError';
  constructor(
    readonly kind: string,
    error: z.ZodError,
  ) {
    super(`A stored ${kind} item is malformed:\n${z.prettifyError(error)}`);
  }
}

/** Parses one DynamoDB item of the given kind, or throws MalformedItemError. */
export function parseItem<Schema extends z.ZodType>(
  schema: Schema,
  kind: string,
  item: Record<string, unknown>,
): z.output<Schema> {
  const result = schema.safeParse(item);
  if (!result.success) throw new MalformedItemError(kind, result.error);
  return result.data;
}
