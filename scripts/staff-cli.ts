import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { CognitoIdentityDirectory } from '../functions/accounts/adapters/cognito-identity-directory';
import { DynamoAccountsRepository } from '../functions/accounts/adapters/dynamo-accounts-repository';
import {
  addStaffMember,
  disableStaffMember,
  enableStaffMember,
  listStaff,
  type StaffManagementDeps,
  setStaffGroups,
} from '../functions/accounts/core/staff';
import { systemClock } from '../functions/shared/ports';
import { DisplayTextSchema, EmailSchema, IdSchema } from '../schemas/accounts/entities';
import { type StaffMember, WORKFORCE_GROUPS, WorkforceGroupSchema } from '../schemas/accounts/staff';

const USAGE = `PACScribe staff records: which of PACScribe's own staff (the workforce pool) the API admits, in
which groups. The API reads the record on every staff request, so a change takes effect at once.

  npm run staff -- list [--format json]
  npm run staff -- add --email EMAIL [--staff-id SUB] --groups GROUP[,GROUP] [--name NAME]
  npm run staff -- disable (--email EMAIL | --staff-id SUB)     refuses their tokens at once
  npm run staff -- enable (--email EMAIL | --staff-id SUB)      after a fresh sign-in only
  npm run staff -- groups (--email EMAIL | --staff-id SUB) --groups GROUP[,GROUP]

Groups: ${WORKFORCE_GROUPS.join(', ')}.
Where: --local (default; reads .pacscribe/local.json, or --data-dir DIR) or
       --profile PROFILE --region REGION --table ACCOUNTS_TABLE_NAME [--user-pool WORKFORCE_POOL_ID]
       (an AWS account). --email needs the workforce pool (known locally; --user-pool in AWS) to find the
       staff member's id; with the pool known, disable and enable also block or allow sign-in there.
--by NAME records who made the change (default: your login name).`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    email: { type: 'string' },
    'staff-id': { type: 'string' },
    groups: { type: 'string' },
    name: { type: 'string' },
    by: { type: 'string' },
    format: { type: 'string', default: 'table' },
    local: { type: 'boolean' },
    'data-dir': { type: 'string' },
    profile: { type: 'string' },
    region: { type: 'string' },
    table: { type: 'string' },
    'user-pool': { type: 'string' },
    help: { type: 'boolean' },
  },
});

interface Connection {
  deps: StaffManagementDeps;
  directory: CognitoIdentityDirectory | undefined;
  where: string;
  close(): void;
}

function connect(): Connection {
  if (values.profile || values.table) {
    if (!values.table || !values.region) throw new Error('With an AWS account, give --region and --table.');
    const credentials = values.profile ? { profile: values.profile } : {};
    const dynamo = new DynamoDBClient({ region: values.region, ...credentials });
    const cognito = values['user-pool']
      ? new CognitoIdentityProviderClient({ region: values.region, ...credentials })
      : undefined;
    return connection(dynamo, values.table, cognito, values['user-pool'], `${values.region}/${values.table}`);
  }
  const dataDir = path.resolve(values['data-dir'] ?? path.join(__dirname, '..', '.pacscribe'));
  const config = JSON.parse(readFileSync(path.join(dataDir, 'local.json'), 'utf8'));
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const dynamo = new DynamoDBClient({
    endpoint: config.endpoints.dynamodb,
    region: config.region,
    credentials,
  });
  const cognito = new CognitoIdentityProviderClient({
    endpoint: config.supportCognito.endpoint,
    region: config.region,
    credentials,
  });
  return connection(dynamo, config.tables.accounts, cognito, config.supportCognito.userPoolId, 'local stack');
}

function connection(
  dynamo: DynamoDBClient,
  table: string,
  cognito: CognitoIdentityProviderClient | undefined,
  userPoolId: string | undefined,
  where: string,
): Connection {
  const directory = cognito && userPoolId ? new CognitoIdentityDirectory(cognito, userPoolId) : undefined;
  return {
    deps: {
      staff: new DynamoAccountsRepository(DynamoDBDocumentClient.from(dynamo), table),
      clock: systemClock,
      ...(directory ? { workforce: directory } : {}),
    },
    directory,
    where,
    close: () => {
      dynamo.destroy();
      cognito?.destroy();
    },
  };
}

function groupsOption(): StaffMember['groups'] {
  if (!values.groups) throw new Error(`--groups is required (${WORKFORCE_GROUPS.join(', ')})`);
  return values.groups.split(',').map((group) => WorkforceGroupSchema.parse(group.trim()));
}

/** The staff id given, or the one the workforce pool holds for the email given. */
async function staffIdOf({ directory, deps }: Connection): Promise<string> {
  if (values['staff-id']) return IdSchema.parse(values['staff-id']);
  if (!values.email) throw new Error('Give --email EMAIL or --staff-id SUB.');
  const email = EmailSchema.parse(values.email);
  if (directory) {
    const subject = await directory.subjectOf(email);
    if (!subject) throw new Error(`No workforce identity for ${email}.`);
    return subject;
  }
  const record = (await deps.staff.listStaff()).find((staff) => staff.email === email);
  if (!record) throw new Error(`No staff record for ${email} (give --user-pool or --staff-id).`);
  return record.staffId;
}

function show(records: StaffMember[]) {
  if (values.format === 'json') {
    process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return;
  }
  for (const record of records) {
    console.log(
      [
        record.status.padEnd(8),
        record.staffId,
        record.email,
        record.groups.join(','),
        record.tokensValidAfter,
      ]
        .join('  ')
        .trimEnd(),
    );
  }
}

async function run(command: string, where: Connection): Promise<void> {
  const operator = DisplayTextSchema.parse(values.by ?? userInfo().username);
  if (command === 'list') return show(await listStaff(where.deps));
  const staffId = await staffIdOf(where);
  if (command === 'add') {
    if (!values.email) throw new UsageError("add needs --email (the staff member's sign-in address)");
    const email = EmailSchema.parse(values.email);
    const name = DisplayTextSchema.parse(values.name ?? email);
    return show([
      await addStaffMember(where.deps, { staffId, email, name, groups: groupsOption() }, operator),
    ]);
  }
  if (command === 'disable') return show([await disableStaffMember(where.deps, staffId, operator)]);
  if (command === 'enable') return show([await enableStaffMember(where.deps, staffId, operator)]);
  if (command === 'groups')
    return show([await setStaffGroups(where.deps, staffId, groupsOption(), operator)]);
  throw new UsageError(`unknown command "${command}"`);
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return 0;
  }
  const where = connect();
  try {
    await run(command, where);
    if (command !== 'list' || values.format !== 'json') console.error(`(${where.where})`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  } finally {
    where.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : error,
    );
    process.exit(1);
  },
);
