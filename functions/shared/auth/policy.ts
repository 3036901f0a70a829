import { ForbiddenError } from '../errors';
import type { RouteAccess } from '../http/route';
import type { Principal } from './principal';

/**
 * The one authorization policy every route goes through. Deny by default: only the access
 * kinds below are understood, and each needs a positive match.
 */
export function isAllowed(principal: Principal | null, access: RouteAccess): boolean {
  switch (access.kind) {
    case 'public':
      return true;
    case 'member':
      return principal?.kind === 'customer';
    case 'action':
      return (
        principal?.kind === 'customer' &&
        [access.action, ...(access.orActions ?? [])].some((action) => principal.permissions.has(action))
      );
    case 'workforce':
      return principal?.kind === 'workforce' && principal.groups.includes(access.group);
    default:
      return false;
  }
}

export function authorize(principal: Principal | null, access: RouteAccess): void {
  if (!isAllowed(principal, access)) throw new ForbiddenError('You do not have permission for this action.');
}
