import { resolveCustomerPrincipal } from '../../../functions/shared/auth/principal-resolver';
import { UnauthenticatedError } from '../../../functions/shared/errors';
import type { Member } from '../../../schemas/accounts/entities';
import { InMemoryAccounts } from '../../support/fakes';

const member: Member = {
  userId: 'u1',
  orgId: 'org-a',
  email: 'u1@a.example',
  name: 'U',
  role: 'clinician',
  professionalRole: 'clinician',
  permissions: ['view'],
  status: 'active',
  tokensValidAfter: '2026-11-24T12:00:00.000Z',
  createdAt: '2026-11-24T12:00:00.000Z',
  createdBy: 'admin',
  invitationExpiresAt: '2026-11-27T12:00:00.000Z',
};
const token = {
  subject: 'u1',
  pool: 'customers' as const,
  issuedAt: new Date('2026-11-25T08:00:00Z'),
  clientId: 'c',
  groups: [],
};

async function accountsWith(m: Member) {
  const accounts = new InMemoryAccounts();
  accounts.members.set(m.userId, structuredClone(m));
  return accounts;
}

describe('resolveCustomerPrincipal', () => {
  it('[PP-06] accepts an invitation on first use and forgets its expiry', async () => {
    const accounts = await accountsWith(member);

    const principal = await resolveCustomerPrincipal(token, accounts, new Date('2026-11-25T08:00:01Z'));

    expect(principal).toMatchObject({ userId: 'u1', orgId: 'org-a', role: 'clinician' });
    expect(accounts.members.get('u1')?.invitationExpiresAt).toBeUndefined();
  });

  it('[PP-06] refuses an invitation used after it expired', async () => {
    const accounts = await accountsWith(member);

    await expect(
      resolveCustomerPrincipal(token, accounts, new Date('2026-11-28T00:00:00Z')),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('[PP-18] refuses tokens issued before the cut-off, in whole seconds', async () => {
    const accounts = await accountsWith({
      ...member,
      invitationExpiresAt: undefined,
      tokensValidAfter: '2026-11-25T08:00:01.000Z',
    });

    await expect(
      resolveCustomerPrincipal(token, accounts, new Date('2026-11-25T08:00:02Z')),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
