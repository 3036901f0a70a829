import { getMe } from '../../../../functions/accounts/core/me';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';
import { NotFoundError } from '../../../../functions/shared/errors';
import { InMemoryAccounts } from '../../../support/fakes';

const now = '2026-11-24T12:00:00.000Z';

async function accountsWithMember() {
  const accounts = new InMemoryAccounts();
  await accounts.createOrganization(
    { orgId: 'org-a', name: 'Org A', createdAt: now, createdBy: 'u1', adminCount: 1 },
    {
      userId: 'u1',
      orgId: 'org-a',
      email: 'tech@a.example',
      name: 'Terry Tech',
      role: 'technologist',
      professionalRole: 'technologist',
      permissions: ['view', 'upload', 'edit'],
      status: 'active',
      tokensValidAfter: now,
      createdAt: now,
      createdBy: 'u1',
    },
  );
  return accounts;
}

const principal = (orgId = 'org-a'): CustomerPrincipal => ({
  kind: 'customer',
  userId: 'u1',
  orgId,
  role: 'technologist',
  permissions: new Set(['view', 'upload', 'edit'] as const),
});

describe('getMe', () => {
  it('[PP-06] returns the caller with role and effective permissions', async () => {
    const me = await getMe({ accounts: await accountsWithMember() }, principal());

    expect(me.user).toMatchObject({ userId: 'u1', role: 'technologist', email: 'tech@a.example' });
    expect(me.organization).toEqual({ orgId: 'org-a', name: 'Org A' });
    expect(me.permissions).toEqual(['edit', 'upload', 'view']);
  });

  it('[PP-07] answers not found when the principal points at another organization', async () => {
    await expect(getMe({ accounts: await accountsWithMember() }, principal('org-b'))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
