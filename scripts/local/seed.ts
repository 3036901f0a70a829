import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CognitoIdentityDirectory } from '../../functions/accounts/adapters/cognito-identity-directory';
import { createAccount } from '../../functions/accounts/core/signup';
import { addStaffMember } from '../../functions/accounts/core/staff';
import { accountCreationDeps, accountsRepository } from '../../functions/accounts/deps';
import { cognitoClient } from '../../functions/shared/aws/clients';
import { systemClock } from '../../functions/shared/ports';
import { SUPPORT_GROUPS } from '../../infra/identity/user-pool-definitions';
import { DEFAULT_PERMISSIONS, ROLES, type Role } from '../../schemas/accounts/roles';
import type { LocalResources } from './bootstrap';

export interface DemoUser {
  email: string;
  password: string;
  role: Role | (typeof SUPPORT_GROUPS)[number];
  orgId: string | null;
  kind: 'customer' | 'support';
}

const DEMO_ORGANIZATIONS = [
  { name: 'Riverside Imaging Center', domain: 'riverside.example' },
  { name: 'Lakeshore Radiology Group', domain: 'lakeshore.example' },
];

/** Random per installation and kept in the data folder: demo passwords never live in the code. */
function demoPassword(): string {
  return `Pacs-${randomBytes(12).toString('base64url')}-7x`;
}

/**
 * Seeds two organizations with one user of every role and one member of staff per workforce group,
 * through the same use cases the API runs. Runs once per data folder; later starts reuse the saved demo
 * logins (and add the staff records a data folder seeded before they existed lacks).
 */
export async function seedDemoData(dataDir: string, resources: LocalResources): Promise<DemoUser[]> {
  const seedFile = path.join(dataDir, 'demo-users.json');
  if (existsSync(seedFile)) {
    const saved = JSON.parse(readFileSync(seedFile, 'utf8')) as DemoUser[];
    await ensureDemoStaffRecords(saved, resources);
    return saved;
  }

  const users: DemoUser[] = [];
  const customers = new CognitoIdentityDirectory(cognitoClient(), resources.customerPool.userPoolId);
  for (const organization of DEMO_ORGANIZATIONS) {
    const adminPassword = demoPassword();
    // The demo addresses are the operator's own: no verification mail, as `createAccount` after it.
    const admin = await createAccount(accountCreationDeps(), {
      name: 'Avery Admin',
      organizationName: organization.name,
      role: 'administrator',
      email: `administrator@${organization.domain}`,
      password: adminPassword,
    });
    users.push({
      email: admin.email,
      password: adminPassword,
      role: 'administrator',
      orgId: admin.orgId,
      kind: 'customer',
    });
    for (const role of ROLES.filter((candidate) => candidate !== 'administrator')) {
      const email = `${role}@${organization.domain}`;
      const password = demoPassword();
      const { userId } = await customers.createUser({ email, name: `Demo ${role}`, password });
      await customers.addToGroup(email, role);
      const now = new Date().toISOString();
      await accountsRepository().addMember({
        userId,
        orgId: admin.orgId,
        email,
        name: `Demo ${role}`,
        role,
        professionalRole: role,
        permissions: [...DEFAULT_PERMISSIONS[role]],
        status: 'active',
        tokensValidAfter: now,
        createdAt: now,
        createdBy: admin.userId,
      });
      users.push({ email, password, role, orgId: admin.orgId, kind: 'customer' });
    }
  }
  const workforce = new CognitoIdentityDirectory(cognitoClient(), resources.supportPool.userPoolId);
  for (const group of SUPPORT_GROUPS) {
    const email = `${group}@pacscribe.example`;
    const password = demoPassword();
    await workforce.createUser({ email, name: `Demo ${group}`, password });
    await workforce.addToGroup(email, group);
    users.push({ email, password, role: group, orgId: null, kind: 'support' });
  }
  await ensureDemoStaffRecords(users, resources);
  writeFileSync(seedFile, JSON.stringify(users, null, 2), { mode: 0o600 });
  return users;
}

/**
 * The API admits staff only with an active staff record: one per demo staff login, in its group, as
 * `npm run staff -- add` would make it. Existing records are left as they are (ops may have disabled one).
 */
async function ensureDemoStaffRecords(users: readonly DemoUser[], resources: LocalResources): Promise<void> {
  const workforce = new CognitoIdentityDirectory(cognitoClient(), resources.supportPool.userPoolId);
  const staff = accountsRepository();
  for (const user of users) {
    if (user.kind !== 'support') continue;
    const group = SUPPORT_GROUPS.find((candidate) => candidate === user.role);
    const staffId = await workforce.subjectOf(user.email);
    if (!group || !staffId || (await staff.getStaffMember(staffId))) continue;
    await addStaffMember(
      { staff, clock: systemClock },
      { staffId, email: user.email, name: `Demo ${group}`, groups: [group] },
      'local-seed',
    );
  }
}
