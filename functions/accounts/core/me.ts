import type { Member } from '#schemas/accounts/entities';
import type { MeResponse } from '#schemas/accounts/me';
import type { PolicyNotice } from '#schemas/policy/policy';
import type { CustomerPrincipal as Principal } from '../../shared/auth/principal';
import { NotFoundError } from '../../shared/errors';
import type { AccountsRepository } from './ports';

/** The caller's own profile, organization and effective permissions. */
export async function getMe(
  deps: {
    accounts: AccountsRepository;
    /** The privacy policy notice the member still owes an acknowledgement of (policy context). */
    policyNotice?: (member: Member) => PolicyNotice | null;
  },
  principal: Principal,
): Promise<MeResponse> {
  const [member, organization] = await Promise.all([
    deps.accounts.getMember(principal.userId),
    deps.accounts.getOrganization(principal.orgId),
  ]);
  if (!member || !organization || member.orgId !== principal.orgId)
    throw new NotFoundError('Account not found.');
  return {
    user: {
      userId: member.userId,
      email: member.email,
      name: member.name,
      role: member.role,
      professionalRole: member.professionalRole,
      status: member.status,
    },
    organization: { orgId: organization.orgId, name: organization.name },
    permissions: [...principal.permissions].sort(),
    policyNotice: deps.policyNotice?.(member) ?? null,
  };
}
