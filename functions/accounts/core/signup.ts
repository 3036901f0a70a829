import type { Member, Organization } from '#schemas/accounts/entities';
import { DEFAULT_PERMISSIONS } from '#schemas/accounts/roles';
import type { SignupBody, SignupResponse } from '#schemas/accounts/signup';
import { ConflictError, DependencyUnavailableError, DomainError } from '../../shared/errors';
import type { AccountsRepository, Clock, IdentityDirectory, IdGenerator, WelcomeWorkflow } from './ports';

export interface SignupDeps {
  accounts: AccountsRepository;
  identities: IdentityDirectory;
  welcome: WelcomeWorkflow;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * Creates an organization and its first administrator [PP-01]. The person's stated role is kept as
 * their professional role; the founder administers the organization. Each step that succeeded is
 * undone if a later one fails, so a failed sign-up leaves nothing behind and can simply be retried.
 */
export async function signUp(deps: SignupDeps, body: SignupBody): Promise<SignupResponse> {
  const { userId } = await deps.identities.createUser({
    email: body.email,
    name: body.name,
    password: body.password,
  });
  const undo: (() => Promise<void>)[] = [() => deps.identities.deleteUser(body.email)];
  try {
    const now = deps.clock.now().toISOString();
    const organization: Organization = {
      orgId: deps.ids.newId(),
      name: body.organizationName,
      createdAt: now,
      createdBy: userId,
      adminCount: 1,
    };
    const founder: Member = {
      userId,
      orgId: organization.orgId,
      email: body.email,
      name: body.name,
      role: 'administrator',
      professionalRole: body.role,
      permissions: [...DEFAULT_PERMISSIONS.administrator],
      status: 'active',
      tokensValidAfter: now,
      createdAt: now,
      createdBy: userId,
    };
    await deps.accounts.createOrganization(organization, founder);
    undo.unshift(() => deps.accounts.removeOrganization(organization, founder));
    await deps.identities.addToGroup(body.email, founder.role);
    await deps.welcome.start({ orgId: organization.orgId, userId });
    return { orgId: organization.orgId, userId, email: body.email, role: founder.role };
  } catch (error) {
    // Undo every step even if one undo fails; the original error decides the answer.
    await Promise.allSettled(undo.map((step) => step()));
    if (error instanceof ConflictError) throw error;
    if (error instanceof DomainError) throw error;
    throw new DependencyUnavailableError('Sign-up could not be completed; nothing was kept. Please retry.');
  }
}
