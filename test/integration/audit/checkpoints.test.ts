import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditChainStore, toItem } from '../../../functions/audit/adapters/dynamo-audit-log';
import { S3AuditArchive } from '../../../functions/audit/adapters/s3-audit-archive';
import type { ChainedAuditRecord } from '../../../functions/audit/core/archive';
import { checkpointPrefix, parseCheckpointKey } from '../../../functions/audit/core/checkpoints';
import { chainRecord, verifyChain } from '../../../functions/audit/core/hash-chain';
import { AUDIT_CHAINS_PER_ORG } from '../../../schemas/audit/audit-event';
import { runAuditVerify } from '../../support/audit-cli';
import { localConfig } from '../../support/local-client';
import { freshOrganization } from '../../support/organizations';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
let documents: DynamoDBDocumentClient;
let s3: S3Client;
beforeAll(() => {
  const config = localConfig();
  documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: config.endpoints.dynamodb, region: config.region, credentials }),
  );
  s3 = new S3Client({
    endpoint: config.endpoints.s3,
    region: config.region,
    forcePathStyle: true,
    credentials,
  });
});
afterAll(() => {
  documents.destroy();
  s3.destroy();
});

const verify = runAuditVerify;

async function longestChain(orgId: string): Promise<[number, ChainedAuditRecord[]]> {
  const store = new DynamoAuditChainStore(documents, localConfig().tables.audit);
  let longest: [number, ChainedAuditRecord[]] = [0, []];
  for (let chain = 0; chain < AUDIT_CHAINS_PER_ORG; chain += 1) {
    const records: ChainedAuditRecord[] = [];
    for await (const record of store.chain({ orgId, chain })) records.push(record);
    if (records.length > longest[1].length) longest = [chain, records];
  }
  return longest;
}

/** Waits for the local witness to sign that chain position (it looks every few seconds). */
async function checkpointed(orgId: string, chain: number, seq: number) {
  const archive = new S3AuditArchive(s3, localConfig().auditArchive.bucket);
  for (let attempt = 0; attempt < 60; attempt += 1) {
    for await (const key of archive.keys(checkpointPrefix(orgId))) {
      const head = parseCheckpointKey(key);
      if (head?.chain === chain && head.seq >= seq) return;
    }
    await sleep(500);
  }
  throw new Error(`no checkpoint of ${orgId} chain ${chain} at seq ${seq}`);
}

describe('[PP-18] signed checkpoints witness the audit chains (local stack)', () => {
  it('audit:verify refuses a chain tail rewritten with PutItem and recomputed hashes, which the chains alone would pass', async () => {
    const victim = await freshOrganization('rewritten');
    const [chain, records] = await longestChain(victim.orgId);
    const head = records.at(-1) as ChainedAuditRecord;
    await checkpointed(victim.orgId, chain, head.seq);
    const before = verify(victim.orgId);
    expect(before.stdout).toMatch(new RegExp(`ok +${victim.orgId}: .*[1-9]\\d* signed checkpoints`));
    expect(before.status).toBe(0);

    // What a compromised function with PutItem on the audit table could do: rewrite the last record and
    // recompute its hash, so the chain still links.
    const { chain: _c, seq: _s, prevHash, hash: _h, ...content } = head;
    const previous = records.at(-2);
    const forged = chainRecord(
      { ...content, requestId: 'rewritten-by-an-intruder' },
      chain,
      previous ? { seq: previous.seq, hash: previous.hash } : null,
    );
    expect(forged.prevHash).toBe(prevHash);
    await documents.send(new PutCommand({ TableName: localConfig().tables.audit, Item: toItem(forged) }));
    const [, rewritten] = await longestChain(victim.orgId);
    expect(
      verifyChain(
        { orgId: victim.orgId, chain },
        rewritten.filter((r) => r.chain === chain),
      ),
    ).toMatchObject({
      ok: true,
    });

    const after = verify(victim.orgId);
    expect(after.status).toBe(1);
    expect(after.stdout).not.toContain('altered at position');
    expect(after.stdout).toContain(
      `BROKEN  ${victim.orgId}: chain ${chain}: checkpointed-record-altered at seq ${head.seq}`,
    );
    expect(after.stdout).toContain(`chain ${chain}: archived-record-altered at seq ${head.seq}`);
  });
});

describe('the local audit witness', () => {
  it("runs in a process of its own, below the stack's CPU priority, as the archiver runs in a function of its own", () => {
    const witnesses = spawnSync('pgrep', ['-f', 'scripts/local/audit-witness.ts'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number);
    expect(witnesses.length).toBeGreaterThan(0);
    for (const pid of witnesses) {
      // /proc/<pid>/stat after the command: state, ppid, … nice is the 17th field.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      const parent = Number(fields[1]);
      expect(readFileSync(`/proc/${parent}/cmdline`, 'utf8')).toContain('scripts/local/start.ts');
      expect(Number(fields[16])).toBe(19);
    }
  });

  it("serves its archive writes from a listener of its own, not on the handlers' event loop", () => {
    const witness = Number(
      spawnSync('pgrep', ['-f', 'scripts/local/audit-witness.ts'], { encoding: 'utf8' }).stdout.split(
        '\n',
      )[0],
    );
    // The witness's sockets (fd links read socket:[inode]) against the kernel's table of listening TCP sockets.
    const inodes = new Set(
      readdirSync(`/proc/${witness}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${witness}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter(Boolean),
    );
    const listening = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && inodes.has(fields[9]));
    expect(listening.length).toBe(1);
  });
});
