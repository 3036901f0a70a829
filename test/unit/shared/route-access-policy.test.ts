import { imagingRoutes } from '../../../functions/imaging/routes';
import { isAllowed } from '../../../functions/shared/auth/policy';
import type { CustomerPrincipal } from '../../../functions/shared/auth/principal';
import type { Action } from '../../../schemas/accounts/roles';

const member = (...permissions: Action[]): CustomerPrincipal => ({
  kind: 'customer',
  userId: 'u1',
  orgId: 'org-a',
  role: 'technologist',
  permissions: new Set(permissions),
});

describe('route access with alternative permissions', () => {
  const status = imagingRoutes.getUploadSession.access;

  it('[PP-06] an upload session status is readable with upload or with view', () => {
    expect(isAllowed(member('upload'), status)).toBe(true);
    expect(isAllowed(member('view'), status)).toBe(true);
  });

  it('[PP-06] and with neither, it is denied', () => {
    expect(isAllowed(member('edit', 'export'), status)).toBe(false);
    expect(isAllowed({ kind: 'workforce', staffId: 's1', groups: ['support-engineer'] }, status)).toBe(false);
    expect(isAllowed(null, status)).toBe(false);
  });

  it('[PP-06] the routes that change a session need upload itself', () => {
    for (const id of ['createUploadSession', 'completeUploadSession', 'abortUploadSession'] as const) {
      expect(isAllowed(member('view'), imagingRoutes[id].access)).toBe(false);
      expect(isAllowed(member('upload'), imagingRoutes[id].access)).toBe(true);
    }
  });
});
