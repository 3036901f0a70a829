import { generateKeyPairSync } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  KeyPairCheckpointSigner,
  localKeyId,
  PublicKeyCheckpointVerifier,
} from '../../../../functions/audit/adapters/key-pair-checkpoint-keys';
import {
  KmsCheckpointSigner,
  kmsPublicKey,
} from '../../../../functions/audit/adapters/kms-checkpoint-signer';
import {
  type AuditArchive,
  archiveKey,
  type ChainedAuditRecord,
} from '../../../../functions/audit/core/archive';
import {
  type ArchivedObject,
  archiveAndCheckpoint,
  checkpointKey,
  checkpointMessage,
  recordsByPosition,
  signCheckpoint,
  verifyArchive,
  verifyCheckpoints,
} from '../../../../functions/audit/core/checkpoints';
import { chainRecord, verifyChain } from '../../../../functions/audit/core/hash-chain';
import { auditRecordFixture } from '../../../support/audit-records';

const newKey = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, keyId: localKeyId(publicKey) };
};
const witnessKey = newKey();
const signer = new KeyPairCheckpointSigner(witnessKey.privateKey, witnessKey.keyId);
const verifier = new PublicKeyCheckpointVerifier([witnessKey]);
const clock = { now: () => new Date('2026-11-24T12:05:00.000Z') };

/** One chain of `length` records; `actor` lets a rewrite change what they say. */
function chainOf(length: number, userId = 'u1', from: ChainedAuditRecord[] = []): ChainedAuditRecord[] {
  const records = [...from];
  for (let i = records.length; i < length; i += 1) {
    const previous = records.at(-1);
    const facts = { actor: { kind: 'customer' as const, userId, role: 'clinician' as const } };
    records.push(
      chainRecord(
        auditRecordFixture(facts, `rec-${i + 1}`),
        3,
        previous ? { seq: previous.seq, hash: previous.hash } : null,
      ),
    );
  }
  return records;
}

/** The Object Lock bucket as a map: a second put of a key is refused. */
function memoryArchive() {
  const objects = new Map<string, string>();
  const archive: AuditArchive = {
    put: async (key, body) => {
      if (objects.has(key)) return 'already-archived';
      objects.set(key, body);
      return 'stored';
    },
  };
  const under = (prefix: string): ArchivedObject[] =>
    [...objects]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, body]) => ({ key, body }));
  return { archive, objects, under };
}

describe('signed checkpoints of audit chain heads', () => {
  it('[PP-18] a tail rewritten with recomputed hashes passes chain verification, but not the signed checkpoint', async () => {
    const original = chainOf(5);
    const store = memoryArchive();
    await archiveAndCheckpoint({ archive: store.archive, signer, clock }, original);
    // What a function holding PutItem could do: rewrite records 3..5 and relink them consistently.
    const rewritten = chainOf(5, 'someone-else', original.slice(0, 2));
    expect(rewritten[4]?.hash).not.toBe(original[4]?.hash);

    expect(verifyChain({ orgId: 'org-a', chain: 3 }, rewritten)).toMatchObject({ ok: true, records: 5 });
    const problems = await verifyCheckpoints(
      verifier,
      'org-a',
      store.under('checkpoints/org=org-a/'),
      recordsByPosition(rewritten),
    );
    expect(problems).toEqual([
      {
        problem: 'checkpointed-record-altered',
        key: 'checkpoints/org=org-a/chain=03/seq=000000000005.json',
        chain: 3,
        seq: 5,
      },
    ]);
    await expect(
      verifyCheckpoints(verifier, 'org-a', store.under('checkpoints/'), recordsByPosition(original)),
    ).resolves.toEqual([]);
  });

  it('[PP-18] reports a chain cut back below its last checkpoint', async () => {
    const records = chainOf(4);
    const store = memoryArchive();
    await archiveAndCheckpoint({ archive: store.archive, signer, clock }, records);

    const problems = await verifyCheckpoints(
      verifier,
      'org-a',
      store.under('checkpoints/'),
      recordsByPosition(records.slice(0, 3)),
    );
    expect(problems.map(({ problem, seq }) => [problem, seq])).toEqual([['checkpointed-record-missing', 4]]);
  });

  it('[PP-18] refuses a forged checkpoint: another key under the witness keyId, or a signed field changed', async () => {
    const records = chainOf(2);
    const head = { orgId: 'org-a', chain: 3, seq: 2, hash: records[1]?.hash ?? '' };
    const impostor = new KeyPairCheckpointSigner(newKey().privateKey, witnessKey.keyId);
    const forged = await signCheckpoint(impostor, head, clock.now());
    const genuine = await signCheckpoint(signer, head, clock.now());
    const moved = { ...genuine, seq: 1, hash: records[0]?.hash ?? '' };
    const objects = [forged, moved].map((checkpoint) => ({
      key: checkpointKey(checkpoint),
      body: JSON.stringify(checkpoint),
    }));

    const problems = await verifyCheckpoints(verifier, 'org-a', objects, recordsByPosition(records));
    expect(problems.map(({ problem, seq }) => [problem, seq])).toEqual([
      ['forged-checkpoint', 2],
      ['forged-checkpoint', 1],
    ]);
  });

  it('refuses a checkpoint signed by a key the verifier was not given, and unreadable ones', async () => {
    const records = chainOf(1);
    const stranger = newKey();
    const checkpoint = await signCheckpoint(
      new KeyPairCheckpointSigner(stranger.privateKey, stranger.keyId),
      { orgId: 'org-a', chain: 3, seq: 1, hash: records[0]?.hash ?? '' },
      clock.now(),
    );
    const problems = await verifyCheckpoints(
      verifier,
      'org-a',
      [
        { key: checkpointKey(checkpoint), body: JSON.stringify(checkpoint) },
        { key: 'checkpoints/org=org-a/chain=03/seq=000000000009.json', body: '{not json' },
      ],
      recordsByPosition(records),
    );
    expect(problems.map(({ problem }) => problem)).toEqual(['forged-checkpoint', 'unreadable-checkpoint']);
  });

  it('[PP-18] a checkpoint of one organization does not vouch for another', async () => {
    const records = chainOf(1);
    const checkpoint = await signCheckpoint(
      signer,
      { orgId: 'org-a', chain: 3, seq: 1, hash: records[0]?.hash ?? '' },
      clock.now(),
    );
    const problems = await verifyCheckpoints(
      verifier,
      'org-b',
      [{ key: checkpointKey({ ...checkpoint, orgId: 'org-b' }), body: JSON.stringify(checkpoint) }],
      recordsByPosition(records),
    );
    expect(problems.map(({ problem }) => problem)).toEqual(['misfiled-checkpoint']);
  });

  it('signs the newest archived record of each chain once, and a redelivered batch leaves it', async () => {
    const chain3 = chainOf(3);
    const chain5 = chainRecord(auditRecordFixture({}, 'other'), 5, null);
    const store = memoryArchive();

    const first = await archiveAndCheckpoint({ archive: store.archive, signer, clock }, [...chain3, chain5]);
    const again = await archiveAndCheckpoint({ archive: store.archive, signer, clock }, [...chain3, chain5]);

    expect(first).toEqual({ stored: 4, skipped: 0, checkpoints: 2 });
    expect(again).toEqual({ stored: 0, skipped: 4, checkpoints: 0 });
    expect(store.under('checkpoints/').map(({ key }) => key)).toEqual([
      'checkpoints/org=org-a/chain=03/seq=000000000003.json',
      'checkpoints/org=org-a/chain=05/seq=000000000001.json',
    ]);
    const stored = JSON.parse(store.under('checkpoints/')[0]?.body ?? '{}');
    expect(stored).toEqual({
      orgId: 'org-a',
      chain: 3,
      seq: 3,
      hash: chain3[2]?.hash,
      signedAt: '2026-11-24T12:05:00.000Z',
      keyId: witnessKey.keyId,
      signature: expect.any(String),
    });
  });
});

describe('checkpoints after concurrent archive writes', () => {
  it('[PP-18] signs a chain head only once every record of the batch is in the archive', async () => {
    const store = memoryArchive();
    const records = chainOf(40);
    let archivedWhenSigned = -1;
    const slowArchive: AuditArchive = {
      put: async (key, body) => {
        // Later records answer first, as concurrent writes may.
        const seq = Number(/seq=(\d+)/.exec(key)?.[1] ?? 0);
        if (key.startsWith('audit/')) await new Promise((resolve) => setTimeout(resolve, 40 - seq));
        return store.archive.put(key, body);
      },
    };
    const countingSigner = {
      keyId: signer.keyId,
      sign: async (message: Uint8Array) => {
        archivedWhenSigned = store.under('audit/').length;
        return signer.sign(message);
      },
    };

    await archiveAndCheckpoint({ archive: slowArchive, signer: countingSigner, clock }, records);

    expect(archivedWhenSigned).toBe(40);
    expect(store.under('checkpoints/')).toHaveLength(1);
  });
});

describe('the archive check', () => {
  it('[PP-18] reports an archived record the table no longer holds as archived, and one it lost', async () => {
    const records = chainOf(3);
    const store = memoryArchive();
    await archiveAndCheckpoint({ archive: store.archive, signer, clock }, records);
    // The table's record 2 now says something else (its hash recomputed and the rest relinked).
    const table = chainOf(2, 'someone-else', records.slice(0, 1));

    const problems = verifyArchive('org-a', store.under('audit/org=org-a/'), recordsByPosition(table));
    expect(problems).toEqual([
      {
        problem: 'archived-record-altered',
        key: archiveKey({ orgId: 'org-a', chain: 3, seq: 2 }),
        chain: 3,
        seq: 2,
      },
      {
        problem: 'archived-record-missing',
        key: archiveKey({ orgId: 'org-a', chain: 3, seq: 3 }),
        chain: 3,
        seq: 3,
      },
    ]);
    expect(verifyArchive('org-a', store.under('audit/org=org-a/'), recordsByPosition(records))).toEqual([]);
  });

  it('reports an archived record filed under another position', () => {
    const [record] = chainOf(1);
    const problems = verifyArchive(
      'org-a',
      [{ key: 'audit/org=org-a/chain=03/seq=000000000002.json', body: JSON.stringify(record) }],
      recordsByPosition(chainOf(2)),
    );
    expect(problems.map(({ problem }) => problem)).toEqual(['misfiled-archived-record']);
  });
});

describe('the KMS checkpoint signer', () => {
  const client = new KMSClient({ region: 'us-east-1' });
  const kms = mockClient(client);
  afterEach(() => kms.reset());
  const keyArn = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  it('[PP-18] signs the canonical message with ECDSA_SHA_256, and the public key from KMS verifies it', async () => {
    // KMS stands in with the local key: same algorithm, same DER signature format.
    kms.on(SignCommand).callsFake(async ({ Message }) => ({
      KeyId: keyArn,
      Signature: await signer.sign(Message),
    }));
    kms.on(GetPublicKeyCommand).resolves({
      KeyId: keyArn,
      PublicKey: witnessKey.publicKey.export({ format: 'der', type: 'spki' }),
    });
    const checkpoint = await signCheckpoint(
      new KmsCheckpointSigner(client, keyArn),
      { orgId: 'org-a', chain: 0, seq: 1, hash: 'a'.repeat(64) },
      clock.now(),
    );

    const { signature, ...unsigned } = checkpoint;
    expect(kms).toHaveReceivedCommandWith(SignCommand, {
      KeyId: keyArn,
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
      Message: checkpointMessage(unsigned),
    });
    const fromKms = new PublicKeyCheckpointVerifier([await kmsPublicKey(client, 'alias/checkpoints')]);
    await expect(
      fromKms.verify(keyArn, checkpointMessage(unsigned), Buffer.from(signature, 'base64')),
    ).resolves.toBe(true);
  });
});
