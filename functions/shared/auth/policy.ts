import { ForbiddenError, SupportAccessRefusedError } from '../errors';
import type { RouteAccess } from '../http/route';
import type { Principal } from './principal';

/**
 * The one authorization policy every route goes through. Deny by default: only the access
 * kinds below are understood, and each needs a positive match.
 */
export function isAllowed(principal: Principal | null, access: RouteAccess): boolean {
  // Support under a grant: viewing routes that declare it, nothing else, whatever the route's action.
  if (principal?.kind === 'support') {
    return (access.kind === 'member' || access.kind === 'action') && access.supportView === true;
  }
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
  if (isAllowed(principal, access)) return;
  if (principal?.kind === 'support') {
    throw new SupportAccessRefusedError(
      'support_read_only',
      'Support access is read-only: this action is not available under a grant.',
    );
  }
  throw new ForbiddenError('You do not have permission for this action.');
}
