import { signUp } from '../../../../functions/accounts/core/signup';
import { ConflictError, DependencyUnavailableError } from '../../../../functions/shared/errors';
import { DEFAULT_PERMISSIONS } from '../../../../schemas/accounts/roles';
import type { SignupBody } from '../../../../schemas/accounts/signup';
import {
  fixedClock,
  InMemoryAccounts,
  InMemoryIdentities,
  RecordingWelcomeWorkflow,
  sequentialIds,
} from '../../../support/fakes';

const body: SignupBody = {
  name: 'Dana Reyes',
  organizationName: 'Northside Imaging',
  role: 'radiologist',
  email: 'dana@northside.example',
  password: 'Correct-Horse-42-Battery',
};

function setup() {
  const deps = {
    accounts: new InMemoryAccounts(),
    identities: new InMemoryIdentities(),
    welcome: new RecordingWelcomeWorkflow(),
    clock: fixedClock(),
    ids: sequentialIds('org'),
  };
  return deps;
}

describe('signUp', () => {
  it('[PP-01] creates the organization and its founding administrator from name, facility, role and email', async () => {
    const deps = setup();

    const result = await signUp(deps, body);

    expect(result).toEqual({ orgId: 'org-1', userId: 'user-1', email: body.email, role: 'administrator' });
    expect(deps.accounts.organizations.get('org-1')?.name).toBe('Northside Imaging');
    const founder = deps.accounts.members.get('user-1');
    expect(founder).toMatchObject({
      orgId: 'org-1',
      name: 'Dana Reyes',
      email: body.email,
      role: 'administrator',
      professionalRole: 'radiologist',
      status: 'active',
      permissions: [...DEFAULT_PERMISSIONS.administrator],
    });
    expect(deps.identities.users.get(body.email)?.groups).toEqual(['administrator']);
  });

  it('[PP-02] starts the transactional welcome mail with ids only', async () => {
    const deps = setup();

    await signUp(deps, body);

    expect(deps.welcome.started).toEqual([{ orgId: 'org-1', userId: 'user-1' }]);
  });

  it('refuses a second sign-up with the same email and keeps the first account intact', async () => {
    const deps = setup();
    await signUp(deps, body);

    await expect(signUp(deps, { ...body, organizationName: 'Other' })).rejects.toBeInstanceOf(ConflictError);

    expect(deps.accounts.organizations.size).toBe(1);
    expect(deps.identities.users.size).toBe(1);
  });

  it('leaves nothing behind when a later step fails, so the sign-up can be retried', async () => {
    const deps = setup();
    deps.welcome.failWith = new Error('workflow engine down');

    await expect(signUp(deps, body)).rejects.toBeInstanceOf(DependencyUnavailableError);

    expect(deps.accounts.organizations.size).toBe(0);
    expect(deps.accounts.members.size).toBe(0);
    expect(deps.accounts.emailClaims.size).toBe(0);
    expect(deps.identities.users.size).toBe(0);

    deps.welcome.failWith = null;
    await expect(signUp(deps, body)).resolves.toMatchObject({ email: body.email });
  });
});
