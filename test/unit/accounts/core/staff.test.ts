import type { WorkforceDirectory } from '../../../../functions/accounts/core/ports';
import {
  addStaffMember,
  disableStaffMember,
  enableStaffMember,
  listStaff,
  setStaffGroups,
} from '../../../../functions/accounts/core/staff';
import { ConflictError, InvalidInputError, NotFoundError } from '../../../../functions/shared/errors';
import { fixedClock, InMemoryAccounts } from '../../../support/fakes';

const NOW = '2026-11-24T12:00:00.250Z';

class RecordingWorkforce implements WorkforceDirectory {
  calls: string[] = [];
  async subjectOf() {
    return null;
  }
  async disableUser(email: string) {
    this.calls.push(`disable ${email}`);
  }
  async enableUser(email: string) {
    this.calls.push(`enable ${email}`);
  }
}

function setup() {
  const staff = new InMemoryAccounts();
  const workforce = new RecordingWorkforce();
  return { staff, workforce, deps: { staff, workforce, clock: fixedClock(NOW) } };
}

const reviewer = {
  staffId: 'sub-1',
  email: 'Reviewer@PACScribe.example',
  name: 'Rene',
  groups: ['compliance-reviewer', 'compliance-reviewer'] as const,
};

describe('staff records (npm run staff)', () => {
  it('[PP-18] adds an active record whose cut-off refuses tokens from before it existed', async () => {
    const { deps, staff } = setup();

    const added = await addStaffMember(deps, reviewer, 'ops-alice');

    expect(added).toMatchObject({
      staffId: 'sub-1',
      email: 'reviewer@pacscribe.example',
      groups: ['compliance-reviewer'],
      status: 'active',
      tokensValidAfter: NOW,
      createdBy: 'ops-alice',
      version: 1,
    });
    await expect(addStaffMember(deps, reviewer, 'ops-alice')).rejects.toBeInstanceOf(ConflictError);
    expect(await listStaff({ staff })).toHaveLength(1);
  });

  it('[PP-18] a disable refuses every token up to the next whole second and blocks sign-in; an enable keeps that cut-off', async () => {
    const { deps, staff, workforce } = setup();
    await addStaffMember(deps, reviewer, 'ops');

    const disabled = await disableStaffMember(deps, 'sub-1', 'ops-bob');
    const enabled = await enableStaffMember(deps, 'sub-1', 'ops-bob');

    expect(disabled).toMatchObject({
      status: 'disabled',
      tokensValidAfter: '2026-11-24T12:00:01.000Z',
      updatedBy: 'ops-bob',
      version: 2,
    });
    expect(enabled).toMatchObject({ status: 'active', tokensValidAfter: '2026-11-24T12:00:01.000Z' });
    expect(workforce.calls).toEqual([
      'disable reviewer@pacscribe.example',
      'enable reviewer@pacscribe.example',
    ]);
    expect((await staff.getStaffMember('sub-1'))?.version).toBe(3);
  });

  it('[PP-18] a disable never moves the cut-off backwards', async () => {
    const { deps } = setup();
    await addStaffMember({ ...deps, clock: fixedClock('2026-11-25T00:00:00.000Z') }, reviewer, 'ops');

    const disabled = await disableStaffMember(deps, 'sub-1', 'ops');

    expect(disabled.tokensValidAfter).toBe('2026-11-25T00:00:00.000Z');
  });

  it('[PP-18] replaces the groups, never with none', async () => {
    const { deps } = setup();
    await addStaffMember(deps, reviewer, 'ops');

    await expect(
      setStaffGroups(deps, 'sub-1', ['support-engineer', 'compliance-reviewer'], 'ops'),
    ).resolves.toMatchObject({ groups: ['compliance-reviewer', 'support-engineer'] });
    await expect(setStaffGroups(deps, 'sub-1', [], 'ops')).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('answers a missing record with NotFound and changes nothing', async () => {
    const { deps, workforce } = setup();

    await expect(disableStaffMember(deps, 'nobody', 'ops')).rejects.toBeInstanceOf(NotFoundError);
    await expect(enableStaffMember(deps, 'nobody', 'ops')).rejects.toBeInstanceOf(NotFoundError);
    expect(workforce.calls).toEqual([]);
  });
});
