import { isAllowed } from '../../../functions/shared/auth/policy';
import type { SupportPrincipal, VerifiedToken } from '../../../functions/shared/auth/principal';
import type { MembershipRecords } from '../../../functions/shared/auth/principal-resolver';
import {
  resolveSupportPrincipal,
  type SupportGrantRecord,
} from '../../../functions/shared/auth/support-grants';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { routes } from '../../../functions/shared/routes';
import type { StaffMember } from '../../../schemas/accounts/staff';

const NOW = new Date('2026-12-03T12:00:00Z');
const token = (subject = 'staff-1'): VerifiedToken => ({
  subject,
  pool: 'support',
  issuedAt: new Date('2026-12-03T11:00:00Z'),
  clientId: 'client',
  groups: [],
});
const staff = (overrides: Partial<StaffMember> = {}): StaffMember => ({
  staffId: 'staff-1',
  email: 'engineer@pacscribe.example',
  name: 'Engineer',
  groups: ['support-engineer'],
  status: 'active',
  tokensValidAfter: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'test',
  ...overrides,
});
const grant = (overrides: Partial<SupportGrantRecord> = {}): SupportGrantRecord => ({
  grantId: 'grant-1',
  orgId: 'org-a',
  ticketId: 'ticket-1',
  staffId: 'staff-1',
  reason: 'Diagnose the blank series',
  status: 'active',
  expiresAt: '2026-12-03T12:30:00.000Z',
  ...overrides,
});
const records = (member: StaffMember | null): MembershipRecords => ({
  getMember: async () => null,
  getStaffMember: async () => member,
  acceptInvitation: async () => false,
});

async function resolve(stored: SupportGrantRecord | null, member: StaffMember | null = staff()) {
  const targets: string[] = [];
  const principal = resolveSupportPrincipal(
    token(),
    'grant-1',
    { records: records(member), grants: { getGrant: async () => stored }, now: NOW },
    (target) => targets.push(target.orgId),
  );
  return { principal, targets };
}

describe('[PP-08] support access under a grant', () => {
  it('gives the engineer holding an active, unexpired grant a view-only principal for the grant’s organization', async () => {
    const { principal } = await resolve(grant());
    await expect(principal).resolves.toMatchObject({
      kind: 'support',
      staffId: 'staff-1',
      orgId: 'org-a',
      grant: { grantId: 'grant-1', ticketId: 'ticket-1', reason: 'Diagnose the blank series' },
    });
  });

  it.each([
    ['missing', null, staff()],
    ['another engineer’s', grant({ staffId: 'staff-2' }), staff()],
    ['pending approval', grant({ status: 'pending-approval', expiresAt: null }), staff()],
    ['revoked', grant({ status: 'revoked' }), staff()],
    ['expired', grant({ expiresAt: '2026-12-03T11:59:59.000Z' }), staff()],
    ['held by a compliance reviewer', grant(), staff({ groups: ['compliance-reviewer'] })],
  ])('refuses a %s grant with support_grant_invalid', async (_case, stored, member) => {
    const { principal } = await resolve(stored, member);
    await expect(principal).rejects.toMatchObject({ code: 'support_grant_invalid' });
  });

  it('names the targeted organization before refusing, so the refusal lands in its trail', async () => {
    const { principal, targets } = await resolve(grant({ status: 'revoked' }));
    await expect(principal).rejects.toThrow();
    expect(targets).toEqual(['org-a']);
  });

  it('refuses a disabled staff member before reading any grant', async () => {
    const { principal, targets } = await resolve(grant(), staff({ status: 'disabled' }));
    await expect(principal).rejects.toMatchObject({ name: 'UnauthenticatedError' });
    expect(targets).toEqual([]);
  });

  it('admits a support principal on support-readable routes only, none of which changes anything', () => {
    const support: SupportPrincipal = {
      kind: 'support',
      staffId: 'staff-1',
      orgId: 'org-a',
      grant: { grantId: 'g', ticketId: 't', reason: 'r', expiresAt: NOW.toISOString() },
      permissions: new Set(['view']),
    };
    const admitted = (routes as readonly RouteDefinition[]).filter((route) =>
      isAllowed(support, route.access),
    );
    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.filter((route) => route.method !== 'GET')).toEqual([]);
    // Original DICOM (studies, series, instances, frames, bulk data) is not viewing: metadata is.
    const retrievals = admitted.filter((route) =>
      /^retrieve(Study|Series|Instance|Frames|BulkData)$/.test(route.id),
    );
    expect(retrievals).toEqual([]);
  });
});
