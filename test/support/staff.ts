import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CognitoIdentityDirectory } from '../../functions/accounts/adapters/cognito-identity-directory';
import type { WorkforceGroup } from '../../schemas/accounts/staff';
import { localConfig } from './local-client';

/** A new identity in the workforce pool, as PACScribe's IdP administrators would create one. */
export async function newStaffIdentity(group: WorkforceGroup) {
  const config = localConfig();
  const cognito = new CognitoIdentityProviderClient({
    endpoint: config.supportCognito.endpoint,
    region: config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const email = `staff-${randomUUID().slice(0, 8)}@pacscribe.example`;
  const password = `Staff-${randomUUID().slice(0, 8)}-Passw0rd!`;
  try {
    const directory = new CognitoIdentityDirectory(cognito, config.supportCognito.userPoolId);
    const { userId } = await directory.createUser({ email, name: 'Test Staff', password });
    await directory.addToGroup(email, group);
    return { email, password, staffId: userId };
  } finally {
    cognito.destroy();
  }
}

/** The staff record as it sits in the accounts table (STAFF#<sub> / STAFF), as `npm run staff` writes it. */
export const writeStaffRecord = (
  documents: DynamoDBDocumentClient,
  staff: { staffId: string; email: string },
  status: 'active' | 'disabled',
  groups: readonly WorkforceGroup[] = ['compliance-reviewer'],
) =>
  documents.send(
    new PutCommand({
      TableName: localConfig().tables.accounts,
      Item: {
        pk: `STAFF#${staff.staffId}`,
        sk: 'STAFF',
        gsi1pk: 'STAFF',
        gsi1sk: `STAFF#${staff.email}`,
        type: 'staff',
        staffId: staff.staffId,
        email: staff.email,
        name: 'Test Staff',
        groups,
        status,
        tokensValidAfter: '2026-01-01T00:00:00.000Z',
        createdAt: '2026-01-01T00:00:00.000Z',
        createdBy: 'integration-test',
        version: status === 'active' ? 1 : 2,
      },
    }),
  );
