import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { CHAIN_PARTITION } from '../functions/audit/adapters/audit-table-stream';
import { DynamoAuditChainStore } from '../functions/audit/adapters/dynamo-audit-log';
import {
  localKeyId,
  PublicKeyCheckpointVerifier,
} from '../functions/audit/adapters/key-pair-checkpoint-keys';
import { kmsPublicKey } from '../functions/audit/adapters/kms-checkpoint-signer';
import { S3AuditArchive } from '../functions/audit/adapters/s3-audit-archive';
import type { ChainedAuditRecord } from '../functions/audit/core/archive';
import { auditEventsToCsv, auditEventsToXlsx } from '../functions/audit/core/audit-export';
import { queryAuditEvents } from '../functions/audit/core/audit-query';
import {
  archivePrefix,
  type CheckpointVerifier,
  checkpointPrefix,
  readArchived,
  recordsByPosition,
  verifyArchive,
  verifyCheckpoints,
} from '../functions/audit/core/checkpoints';
import { verifyChain } from '../functions/audit/core/hash-chain';
import { systemClock } from '../functions/shared/ports';
import { AUDIT_CHAINS_PER_ORG } from '../schemas/audit/audit-event';
import { AuditQuerySchema } from '../schemas/audit/audit-query';

const USAGE = `PACScribe audit CLI, for compliance reviewers and ops.

  npm run audit -- query --org ORG [--from ISO] [--to ISO] [--actor USER] [--action C|R|U|D|E]
                         [--outcome 0|4|8|12] [--patient-id ID] [--study-uid UID]
                         [--format json|csv|xlsx] [--out FILE]
  npm run audit:verify -- [--org ORG]

Where: --local (default; reads .pacscribe/local.json, or --data-dir DIR) or
       --profile PROFILE --region REGION --table AUDIT_TABLE_NAME (an AWS account); verify there also
       needs --archive-bucket AUDIT_ARCHIVE_BUCKET --checkpoint-key CHECKPOINT_KEY_ARN[,OLDER_KEY_ARN…].
verify checks each organization's chains, its signed checkpoints (signature, and the table's record at
each checkpointed position) and its Object Lock archive (each archived record equals the table's).
Exit code of verify: 0 when all of that holds, 1 otherwise.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    org: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    outcome: { type: 'string' },
    'patient-id': { type: 'string' },
    'study-uid': { type: 'string' },
    format: { type: 'string', default: 'json' },
    out: { type: 'string' },
    local: { type: 'boolean' },
    'data-dir': { type: 'string' },
    profile: { type: 'string' },
    region: { type: 'string' },
    table: { type: 'string' },
    'archive-bucket': { type: 'string' },
    'checkpoint-key': { type: 'string' },
    help: { type: 'boolean' },
  },
});

const inAws = () => Boolean(values.profile || values.table);
const localConfig = () => {
  const dataDir = path.resolve(values['data-dir'] ?? path.join(__dirname, '..', '.pacscribe'));
  return JSON.parse(readFileSync(path.join(dataDir, 'local.json'), 'utf8'));
};
const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function connect(): { client: DynamoDBDocumentClient; table: string; where: string } {
  if (inAws()) {
    if (!values.table || !values.region) throw new Error('With an AWS account, give --region and --table.');
    const client = new DynamoDBClient({
      region: values.region,
      ...(values.profile ? { profile: values.profile } : {}),
    });
    return {
      client: DynamoDBDocumentClient.from(client),
      table: values.table,
      where: `${values.region}/${values.table}`,
    };
  }
  const config = localConfig();
  const client = new DynamoDBClient({
    endpoint: config.endpoints.dynamodb,
    region: config.region,
    credentials: localCredentials,
  });
  return { client: DynamoDBDocumentClient.from(client), table: config.tables.audit, where: 'local stack' };
}

/** The archive to read back and the public key(s) checkpoints must verify with. */
async function witness(): Promise<{
  archive: S3AuditArchive;
  verifier: CheckpointVerifier;
  done: () => void;
}> {
  if (inAws()) {
    const bucket = values['archive-bucket'];
    const keys = values['checkpoint-key']?.split(',').filter(Boolean) ?? [];
    if (!bucket || keys.length === 0) {
      throw new Error('With an AWS account, verify also needs --archive-bucket and --checkpoint-key.');
    }
    const account = { region: values.region, ...(values.profile ? { profile: values.profile } : {}) };
    const s3 = new S3Client(account);
    const kms = new KMSClient(account);
    const publicKeys = await Promise.all(keys.map((key) => kmsPublicKey(kms, key)));
    kms.destroy();
    return {
      archive: new S3AuditArchive(s3, bucket),
      verifier: new PublicKeyCheckpointVerifier(publicKeys),
      done: () => s3.destroy(),
    };
  }
  const config = localConfig();
  const s3 = new S3Client({
    endpoint: config.endpoints.s3,
    region: config.region,
    forcePathStyle: true,
    credentials: localCredentials,
  });
  const publicKey = createPublicKey(readFileSync(config.auditArchive.checkpointPublicKeyPath));
  return {
    archive: new S3AuditArchive(s3, config.auditArchive.bucket),
    verifier: new PublicKeyCheckpointVerifier([{ keyId: localKeyId(publicKey), publicKey }]),
    done: () => s3.destroy(),
  };
}

/** Shows progress on long runs on stderr, so it never mixes into the output; once at the end when not a TTY. */
function progress(label: string) {
  let last = 0;
  return (count: number, done = false) => {
    if (process.stderr.isTTY) {
      if (!done && Date.now() - last < 250) return;
      last = Date.now();
      process.stderr.write(`\r${label}: ${count}${done ? '\n' : ''}`);
    } else if (done) {
      process.stderr.write(`${label}: ${count}\n`);
    }
  };
}

async function query() {
  if (!values.org) throw new Error('--org is required');
  const { client, table, where } = connect();
  const store = new DynamoAuditChainStore(client, table);
  const filters = AuditQuerySchema.parse({
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    ...(values.actor ? { actor: values.actor } : {}),
    ...(values.action ? { action: values.action } : {}),
    ...(values.outcome ? { outcome: values.outcome } : {}),
    ...(values['patient-id'] ? { patientId: values['patient-id'] } : {}),
    ...(values['study-uid'] ? { studyUid: values['study-uid'] } : {}),
    format: 'csv',
    limit: '5000',
  });
  const show = progress(`events fetched from ${where}`);
  const events: ChainedAuditRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryAuditEvents({ store, clock: systemClock }, values.org, {
      ...filters,
      ...(cursor ? { cursor } : {}),
    });
    events.push(...page.events);
    cursor = page.nextCursor ?? undefined;
    show(events.length);
  } while (cursor);
  show(events.length, true);
  const format = values.format ?? 'json';
  const output =
    format === 'csv'
      ? auditEventsToCsv(events)
      : format === 'xlsx'
        ? await auditEventsToXlsx(events)
        : `${JSON.stringify(events, null, 2)}\n`;
  if (format === 'xlsx' && !values.out) throw new Error('--format xlsx needs --out FILE');
  if (values.out) writeFileSync(values.out, output);
  else process.stdout.write(output);
  client.destroy();
}

async function organizationsIn(client: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const orgs = new Set<string>();
  const pages = paginateScan({ client }, { TableName: table, ProjectionExpression: 'pk' });
  // Only chain partitions name an organization; anything else in the table (the benchmark ceiling's copies) is no trail.
  for await (const page of pages)
    for (const item of page.Items ?? []) {
      const orgId = CHAIN_PARTITION.exec(String(item.pk))?.[1];
      if (orgId) orgs.add(orgId);
    }
  return [...orgs].sort();
}

async function verify(): Promise<number> {
  const { client, table, where } = connect();
  const store = new DynamoAuditChainStore(client, table);
  const { archive, verifier, done } = await witness();
  const orgs = values.org ? [values.org] : await organizationsIn(client, table);
  let broken = 0;
  let total = 0;
  for (const orgId of orgs) {
    const show = progress(`${orgId}: records read`);
    let read = 0;
    const problems: string[] = [];
    const all: ChainedAuditRecord[] = [];
    for (let chain = 0; chain < AUDIT_CHAINS_PER_ORG; chain += 1) {
      const records: ChainedAuditRecord[] = [];
      for await (const record of store.chain({ orgId, chain })) {
        records.push(record);
        show(read + records.length);
      }
      read += records.length;
      all.push(...records);
      const verdict = verifyChain({ orgId, chain }, records);
      if (!verdict.ok) {
        problems.push(
          `chain ${chain}: ${verdict.problem} at position ${verdict.position} (seq ${verdict.seq ?? '?'}) of ${verdict.records}`,
        );
      }
    }
    show(read, true);
    total += read;
    // The witness: what was signed and archived must still be what the table holds.
    const recordAt = recordsByPosition(all);
    const checkpoints = await readArchived(archive, checkpointPrefix(orgId));
    const archived = await readArchived(archive, archivePrefix(orgId));
    const witnessed = [
      ...(await verifyCheckpoints(verifier, orgId, checkpoints, recordAt)),
      ...verifyArchive(orgId, archived, recordAt),
    ];
    for (const { problem, chain, seq, key } of witnessed) {
      problems.push(`chain ${chain ?? '?'}: ${problem} at seq ${seq ?? '?'} (${key})`);
    }
    if (problems.length === 0) {
      console.log(
        `ok      ${orgId}: ${read} records in ${AUDIT_CHAINS_PER_ORG} chains, ${checkpoints.length} signed checkpoints, ${archived.length} archived records`,
      );
    } else {
      broken += 1;
      for (const problem of problems) console.log(`BROKEN  ${orgId}: ${problem}`);
    }
  }
  console.log(`${where}: ${orgs.length} organizations, ${total} records, ${broken} broken`);
  client.destroy();
  done();
  return broken === 0 ? 0 : 1;
}

async function main() {
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return 0;
  }
  if (command === 'query') {
    await query();
    return 0;
  }
  if (command === 'verify') return verify();
  console.error(`unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
