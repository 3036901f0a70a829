import {
  resolveCustomerPrincipal,
  resolveWorkforcePrincipal,
} from '../../../functions/shared/auth/principal-resolver';
import { UnauthenticatedError } from '../../../functions/shared/errors';
import type { Member } from '../../../schemas/accounts/entities';
import type { StaffMember } from '../../../schemas/accounts/staff';
import { clinicianMember, InMemoryAccounts } from '../../support/fakes';

const member: Member = clinicianMember({
  userId: 'u1',
  email: 'u1@a.example',
  name: 'U',
  createdBy: 'admin',
  invitationExpiresAt: '2026-11-27T12:00:00.000Z',
});
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

describe('resolveWorkforcePrincipal', () => {
  const staff: StaffMember = {
    staffId: 's1',
    email: 's1@pacscribe.example',
    name: 'S',
    groups: ['support-engineer'],
    status: 'active',
    tokensValidAfter: '2026-11-25T08:00:00.000Z',
    createdAt: '2026-11-25T08:00:00.000Z',
    createdBy: 'ops',
  };
  const staffToken = { ...token, subject: 's1', pool: 'support' as const, groups: ['compliance-reviewer'] };
  const recordsWith = (record?: StaffMember) => {
    const accounts = new InMemoryAccounts();
    if (record) accounts.staff.set(record.staffId, structuredClone(record));
    return accounts;
  };

  it('[PP-09] takes the staff id and groups from the staff record, read on every request', async () => {
    await expect(resolveWorkforcePrincipal(staffToken, recordsWith(staff))).resolves.toEqual({
      kind: 'workforce',
      staffId: 's1',
      groups: ['support-engineer'],
    });
  });

  it.each([
    ['no record', undefined],
    ['a disabled record', { ...staff, status: 'disabled' as const }],
    ['a cut-off after the token was issued', { ...staff, tokensValidAfter: '2026-11-25T08:00:01.000Z' }],
  ])('[PP-09] refuses a staff token with %s', async (_label, record) => {
    await expect(resolveWorkforcePrincipal(staffToken, recordsWith(record))).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('[PP-18] refuses a customer token, even for a subject with a staff record', async () => {
    await expect(
      resolveWorkforcePrincipal({ ...staffToken, pool: 'customers' }, recordsWith(staff)),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
