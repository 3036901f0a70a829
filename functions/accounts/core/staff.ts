import type { StaffMember, WorkforceGroup } from '#schemas/accounts/staff';
import { InvalidInputError, NotFoundError } from '../../shared/errors';
import { laterInstant, revocationInstant } from './membership-rules';
import type { Clock, StaffRepository, WorkforceDirectory } from './ports';

/**
 * Ops' management of PACScribe's staff records (`npm run staff`). The API reads a record on every
 * workforce request, so each change here takes effect on the staff member's next request.
 */
export interface StaffManagementDeps {
  staff: StaffRepository;
  clock: Clock;
  /** The workforce pool, when known: disable and enable also block or allow sign-in there. */
  workforce?: WorkforceDirectory;
}

export interface NewStaffMember {
  staffId: string;
  email: string;
  name: string;
  groups: readonly WorkforceGroup[];
}

/** Adds an active record; tokens the person held before it existed stay refused. */
export async function addStaffMember(
  deps: StaffManagementDeps,
  staff: NewStaffMember,
  operator: string,
): Promise<StaffMember> {
  const now = deps.clock.now().toISOString();
  const record: StaffMember = {
    staffId: staff.staffId,
    email: staff.email.toLowerCase(),
    name: staff.name,
    groups: [...new Set(staff.groups)].sort(),
    status: 'active',
    tokensValidAfter: now,
    createdAt: now,
    createdBy: operator,
  };
  await deps.staff.addStaffMember(record);
  return { ...record, version: 1 };
}

async function existing(deps: StaffManagementDeps, staffId: string): Promise<StaffMember> {
  const record = await deps.staff.getStaffMember(staffId);
  if (!record) throw new NotFoundError(`No staff record for ${staffId}.`);
  return record;
}

/** Refuses the staff member's every token at once (the cut-off moves to the next whole second). */
export async function disableStaffMember(
  deps: StaffManagementDeps,
  staffId: string,
  operator: string,
): Promise<StaffMember> {
  const record = await existing(deps, staffId);
  const now = deps.clock.now();
  const stored =
    record.status === 'disabled'
      ? record
      : await deps.staff.replaceStaffMember(record, {
          ...record,
          status: 'disabled',
          tokensValidAfter: laterInstant(record.tokensValidAfter, revocationInstant(now)),
          updatedAt: now.toISOString(),
          updatedBy: operator,
        });
  await deps.workforce?.disableUser(record.email);
  return stored;
}

/** Lets the staff member work again after a fresh sign-in; tokens from before the disable stay refused. */
export async function enableStaffMember(
  deps: StaffManagementDeps,
  staffId: string,
  operator: string,
): Promise<StaffMember> {
  const record = await existing(deps, staffId);
  await deps.workforce?.enableUser(record.email);
  if (record.status === 'active') return record;
  return deps.staff.replaceStaffMember(record, {
    ...record,
    status: 'active',
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: operator,
  });
}

/** Replaces the staff member's groups; the next request is authorized by the new ones. */
export async function setStaffGroups(
  deps: StaffManagementDeps,
  staffId: string,
  groups: readonly WorkforceGroup[],
  operator: string,
): Promise<StaffMember> {
  if (groups.length === 0) throw new InvalidInputError('Give at least one group, or disable the record.');
  const record = await existing(deps, staffId);
  return deps.staff.replaceStaffMember(record, {
    ...record,
    groups: [...new Set(groups)].sort(),
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: operator,
  });
}

export async function listStaff(deps: Pick<StaffManagementDeps, 'staff'>): Promise<StaffMember[]> {
  return (await deps.staff.listStaff()).sort((a, b) => a.email.localeCompare(b.email));
}
