import { IdSchema } from '#schemas/accounts/entities';
import type { CustomerPrincipal, Principal } from '../auth/principal';
import { ForbiddenError, NotFoundError } from '../errors';

/** A malformed id cannot name anything, so it answers exactly like a missing one. */
export function pathId(params: Readonly<Record<string, string>>, name: string): string {
  const parsed = IdSchema.safeParse(params[name]);
  if (!parsed.success) throw new NotFoundError('Not found.');
  return parsed.data;
}

/** Customer routes always have a customer principal; this narrows the type and fails closed. */
export function requireCustomer(principal: Principal | null): CustomerPrincipal {
  if (principal?.kind !== 'customer') throw new ForbiddenError('A signed-in member is required.');
  return principal;
}
