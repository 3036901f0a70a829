import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  paginateScan,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateContactListCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localKeyId } from '../../functions/audit/adapters/key-pair-checkpoint-keys';
import { backfillNameIndex } from '../../functions/imaging/adapters/name-index-backfill';
import { type TableDefinition, tableDefinitions } from '../../infra/data/table-definitions';
import {
  customerUserPool,
  supportUserPool,
  type UserPoolDefinition,
} from '../../infra/identity/user-pool-definitions';
import { MARKETING_TOPIC } from '../../schemas/mail/preferences';

export interface LocalResources {
  tables: Record<TableDefinition['logicalName'], string>;
  imagingBucket: string;
  customerPool: { userPoolId: string; clientId: string };
  supportPool: { userPoolId: string; clientId: string };
}

export const localTableName = (definition: TableDefinition) => `pacscribe-local-${definition.logicalName}`;
export const LOCAL_IMAGING_BUCKET = 'pacscribe-local-imaging';
/** Stands in for the replica region's bucket: the purge deletes there too, as in AWS. */
export const LOCAL_IMAGING_REPLICA_BUCKET = 'pacscribe-local-imaging-replica';
/** The local audit archive (records and signed checkpoints). s3rver has no Object Lock: not write-once. */
export const LOCAL_AUDIT_ARCHIVE_BUCKET = 'pacscribe-local-audit-archive';
/** Where `npm run mail:receive` puts raw mail, as SES receiving's S3 action does in AWS. */
export const LOCAL_SUPPORT_INBOUND_BUCKET = 'pacscribe-local-support-inbound';
export const LOCAL_SUPPORT_INBOUND_PREFIX = 'inbound/';

/**
 * The local stand-in for the KMS key that seals support tickets: 32 random bytes made on first start and
 * kept in the data folder (0600), so tickets written before a restart still open after it.
 */
export function localSupportMessageKeyFile(dataDir: string): string {
  const file = path.join(dataDir, 'support-message.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32), { mode: 0o600 });
  return file;
}

/** PACScribe's own marketing audience export (S3 in AWS too). */
export const LOCAL_MARKETING_AUDIENCE_BUCKET = 'pacscribe-local-marketing-audience';
/** Organization exports (the 7-day expiry is the bucket's lifecycle rule in AWS; s3rver has none). */
export const LOCAL_EXPORTS_BUCKET = 'pacscribe-local-exports';
/** The SES contact list the local SES front serves (scripts/local/services/ses.ts). */
export const LOCAL_MAIL_CONTACT_LIST = 'pacscribe-local-marketing';

/**
 * The local stand-in for the Secrets Manager secret that signs unsubscribe links: 32 random bytes made on
 * first start and kept in the data folder (0600), so links mailed before a restart still work after it.
 */
export function localUnsubscribeSecretFile(dataDir: string): string {
  const file = path.join(dataDir, 'unsubscribe-link.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32), { mode: 0o600 });
  return file;
}

export interface LocalCheckpointKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  /** Where audit:verify reads the public half (PEM, SPKI). */
  publicKeyPath: string;
}

/**
 * The local stand-in for the KMS checkpoint key: an EC P-256 key pair made on first start and kept in the
 * data folder (private half 0600), so checkpoints signed before a restart still verify after it.
 */
export function localCheckpointKey(dataDir: string): LocalCheckpointKey {
  const dir = path.join(dataDir, 'audit-witness');
  const privatePath = path.join(dir, 'checkpoint-key.pem');
  const publicKeyPath = path.join(dir, 'checkpoint-key.pub.pem');
  if (!existsSync(privatePath) || !existsSync(publicKeyPath)) {
    mkdirSync(dir, { recursive: true });
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(privatePath, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    writeFileSync(publicKeyPath, pair.publicKey.export({ format: 'pem', type: 'spki' }));
  }
  const privateKey = createPrivateKey(readFileSync(privatePath));
  const publicKey = createPublicKey(readFileSync(publicKeyPath));
  return { privateKey, publicKey, keyId: localKeyId(publicKey), publicKeyPath };
}

/**
 * Creates tables from the definitions CDK deploys. Existing tables (a restart) are kept; one that lacks an
 * index its definition has since gained is rebuilt with it (rebuildWithIndexes), and the imaging index's
 * name index is then filled for the studies stored before it, as `npm run backfill:name-index` does for a
 * deployed table.
 */
async function ensureTables(dynamo: DynamoDBClient): Promise<LocalResources['tables']> {
  const existing = new Set((await dynamo.send(new ListTablesCommand({}))).TableNames ?? []);
  const names = {} as LocalResources['tables'];
  for (const definition of tableDefinitions) {
    const tableName = localTableName(definition);
    names[definition.logicalName] = tableName;
    if (!existing.has(tableName) && !existing.has(rebuildName(tableName))) {
      await createTableAs(dynamo, definition, tableName);
      continue;
    }
    const added = await rebuildWithIndexes(dynamo, definition, tableName);
    if (definition.logicalName === 'imaging' && added.includes('gsi3')) {
      const { indexed } = await backfillNameIndex(DynamoDBDocumentClient.from(dynamo), tableName);
      console.log(`Name index added to the local imaging index: ${indexed} stored studies put into it.`);
    }
  }
  return names;
}

const rebuildName = (tableName: string) => `${tableName}-rebuild`;

/**
 * A local table made before its definition gained an index, remade with every index its definition
 * names; returns the indexes it gained (all of them when it finishes a rebuild cut short, as which were
 * new is no longer known). DynamoDB Local accepts UpdateTable's index creation but never
 * makes the index ACTIVE (measured: still CREATING after a minute, writes of its keys refused), so the
 * items are copied to a table with the full definition, the old table is replaced and the copy copied
 * back. A start cut short during the first copy starts it again; one cut short later finishes it.
 */
export async function rebuildWithIndexes(
  dynamo: DynamoDBClient,
  definition: TableDefinition,
  tableName: string,
): Promise<string[]> {
  const copyName = rebuildName(tableName);
  const present = await indexesOf(dynamo, tableName);
  const missing = definition.globalIndexes
    .map((index) => index.indexName)
    .filter((name) => !present?.includes(name));
  const copyExists = (await indexesOf(dynamo, copyName)) !== null;
  if (present !== null && missing.length === 0 && !copyExists) return [];
  if (present !== null && missing.length > 0) {
    // The old table is still whole: any copy is from a start cut short, so it is made afresh.
    if (copyExists) await dropTable(dynamo, copyName);
    await createTableAs(dynamo, definition, copyName);
    await copyItems(dynamo, tableName, copyName);
    await dropTable(dynamo, tableName);
  }
  if ((await indexesOf(dynamo, tableName)) === null) await createTableAs(dynamo, definition, tableName);
  await copyItems(dynamo, copyName, tableName);
  await dropTable(dynamo, copyName);
  return missing;
}

/** A table's index names, or null when there is no such table. */
async function indexesOf(dynamo: DynamoDBClient, tableName: string): Promise<string[] | null> {
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    return (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? '');
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return null;
    throw error;
  }
}

async function dropTable(dynamo: DynamoDBClient, tableName: string) {
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
}

/** Every item of one table into another, 25 at a time, unprocessed writes retried. */
async function copyItems(dynamo: DynamoDBClient, from: string, to: string) {
  for await (const page of paginateScan({ client: dynamo, pageSize: 500 }, { TableName: from })) {
    const items = page.Items ?? [];
    for (let start = 0; start < items.length; start += 25) {
      let writes = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; writes.length > 0; attempt += 1) {
        if (attempt >= 10) throw new Error(`copying ${from} to ${to}: writes still unprocessed`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        const { UnprocessedItems } = await dynamo.send(
          new BatchWriteItemCommand({ RequestItems: { [to]: writes } }),
        );
        writes = (UnprocessedItems?.[to] ?? []) as typeof writes;
      }
    }
  }
}

/** One table exactly as a definition describes it: keys, indexes (all attributes), stream and TTL. */
export async function createTableAs(dynamo: DynamoDBClient, definition: TableDefinition, tableName: string) {
  const keys = [
    definition.partitionKey,
    definition.sortKey,
    ...definition.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  const attributes = [...new Map(keys.map((key) => [key.name, key])).values()];
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributes.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
      KeySchema: [
        { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: definition.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: definition.globalIndexes.length
        ? definition.globalIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
              { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          }))
        : undefined,
      StreamSpecification: definition.stream
        ? { StreamEnabled: true, StreamViewType: definition.stream }
        : undefined,
    }),
  );
  if (definition.timeToLiveAttribute) {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: definition.timeToLiveAttribute },
      }),
    );
  }
}

/** Creates a pool, its app client and groups from the definition CDK deploys. */
async function createPool(cognito: CognitoIdentityProviderClient, definition: UserPoolDefinition) {
  const policy = definition.passwordPolicy;
  const { UserPool } = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: `pacscribe-local-${definition.logicalName}`,
      UsernameAttributes: ['email'],
      // The stand-in cannot run TOTP; the deployed pools require it (see user-pool-definitions.ts).
      MfaConfiguration: 'OFF',
      Policies: {
        PasswordPolicy: {
          MinimumLength: policy.minLength,
          RequireLowercase: policy.requireLowercase,
          RequireUppercase: policy.requireUppercase,
          RequireNumbers: policy.requireDigits,
          RequireSymbols: policy.requireSymbols,
          TemporaryPasswordValidityDays: policy.tempPasswordValidityDays,
        },
      },
    }),
  );
  const userPoolId = UserPool?.Id;
  if (!userPoolId) throw new Error('local Cognito returned no pool id');
  const { UserPoolClient } = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: definition.clientName,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  const clientId = UserPoolClient?.ClientId;
  if (!clientId) throw new Error('local Cognito returned no client id');
  for (const group of definition.groups) {
    await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
  }
  return { userPoolId, clientId };
}

/** The marketing contact list with its one topic, as infra/mail/marketing-lists.ts deploys it. */
async function ensureContactList(ses: SESv2Client): Promise<void> {
  try {
    await ses.send(
      new CreateContactListCommand({
        ContactListName: LOCAL_MAIL_CONTACT_LIST,
        Topics: [
          {
            TopicName: MARKETING_TOPIC,
            DisplayName: 'PACScribe product news',
            DefaultSubscriptionStatus: 'OPT_OUT',
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'AlreadyExistsException')) throw error;
  }
}

export async function bootstrapResources(
  dataDir: string,
  endpoints: { dynamodb: string; cognito: string; ses: string },
): Promise<LocalResources> {
  const dynamo = new DynamoDBClient({ endpoint: endpoints.dynamodb });
  const cognito = new CognitoIdentityProviderClient({ endpoint: endpoints.cognito });
  const ses = new SESv2Client({ endpoint: endpoints.ses });
  try {
    await ensureContactList(ses);
    const tables = await ensureTables(dynamo);
    const poolsFile = path.join(dataDir, 'user-pools.json');
    let pools: Pick<LocalResources, 'customerPool' | 'supportPool'>;
    if (existsSync(poolsFile)) {
      pools = JSON.parse(readFileSync(poolsFile, 'utf8'));
    } else {
      pools = {
        customerPool: await createPool(cognito, customerUserPool),
        supportPool: await createPool(cognito, supportUserPool),
      };
      writeFileSync(poolsFile, JSON.stringify(pools, null, 2));
    }
    return { tables, imagingBucket: LOCAL_IMAGING_BUCKET, ...pools };
  } finally {
    dynamo.destroy();
    cognito.destroy();
    ses.destroy();
  }
}
