import canonicalize from 'canonicalize';
import { ChainedAuditRecordSchema } from '#schemas/audit/audit-event';
import { type AuditCheckpoint, AuditCheckpointSchema, type CheckpointHead } from '#schemas/audit/checkpoint';
import type { Clock } from '../../shared/ports';
import {
  ARCHIVE_WRITES_IN_FLIGHT,
  type AuditArchive,
  type AuditArchiveReader,
  archiveKey,
  archiveRecords,
  type ChainedAuditRecord,
  eachInFlight,
} from './archive';

export type { AuditCheckpoint, CheckpointHead };

/**
 * Port: the witness's private key (KMS asymmetric key in AWS, a local key file on the local stack). Only
 * the archiver holds it, so a function that can PutItem on the audit table cannot vouch for a chain head.
 */
export interface CheckpointSigner {
  readonly keyId: string;
  /** An ECDSA P-256 signature (DER) over SHA-256 of the message. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Port: the public half, for whoever checks; an unknown keyId verifies nothing. */
export interface CheckpointVerifier {
  verify(keyId: string, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

const seqPart = (seq: number) => String(seq).padStart(12, '0');
const chainPart = (chain: number) => String(chain).padStart(2, '0');

export const archivePrefix = (orgId: string) => `audit/org=${orgId}/`;
export const checkpointPrefix = (orgId: string) => `checkpoints/org=${orgId}/`;

/** Next to the records, in the same Object Lock bucket, keyed by the position it vouches for. */
export function checkpointKey(head: Pick<CheckpointHead, 'orgId' | 'chain' | 'seq'>): string {
  return `${checkpointPrefix(head.orgId)}chain=${chainPart(head.chain)}/seq=${seqPart(head.seq)}.json`;
}

/** What is signed: the RFC 8785 canonical JSON of every field but the signature. */
export function checkpointMessage(unsigned: Omit<AuditCheckpoint, 'signature'>): Uint8Array {
  const { orgId, chain, seq, hash, signedAt, keyId } = unsigned;
  const canonical = canonicalize({ orgId, chain, seq, hash, signedAt, keyId });
  if (canonical === undefined) throw new Error('checkpoint cannot be canonicalized');
  return new TextEncoder().encode(canonical);
}

export async function signCheckpoint(
  signer: CheckpointSigner,
  head: CheckpointHead,
  now: Date,
): Promise<AuditCheckpoint> {
  const unsigned = {
    orgId: head.orgId,
    chain: head.chain,
    seq: head.seq,
    hash: head.hash,
    signedAt: now.toISOString(),
    keyId: signer.keyId,
  };
  const signature = await signer.sign(checkpointMessage(unsigned));
  return { ...unsigned, signature: Buffer.from(signature).toString('base64') };
}

/** The newest record of each (organization, chain) among these. */
export function newestPerChain(records: readonly ChainedAuditRecord[]): CheckpointHead[] {
  const newest = new Map<string, CheckpointHead>();
  for (const { orgId, chain, seq, hash } of records) {
    const key = `${orgId}#${chain}`;
    if ((newest.get(key)?.seq ?? 0) < seq) newest.set(key, { orgId, chain, seq, hash });
  }
  return [...newest.values()];
}

export interface WitnessDeps {
  archive: AuditArchive;
  signer: CheckpointSigner;
  clock: Clock;
}

/**
 * Archives a batch of new records, then signs the newest of each chain and stores that checkpoint,
 * write-once, beside them. Signing follows the stream (or, locally, the poller), so chain heads are
 * vouched for as often as records arrive, without enumerating organizations. A redelivered batch finds
 * its checkpoints already stored and leaves them.
 */
export async function archiveAndCheckpoint(deps: WitnessDeps, records: readonly ChainedAuditRecord[]) {
  const archived = await archiveRecords(deps.archive, records);
  // Only once every record of the batch is archived: a checkpoint vouches for what is in the archive.
  const outcomes = await eachInFlight(
    newestPerChain(records),
    async (head) => {
      const checkpoint = await signCheckpoint(deps.signer, head, deps.clock.now());
      return deps.archive.put(checkpointKey(head), JSON.stringify(checkpoint));
    },
    ARCHIVE_WRITES_IN_FLIGHT,
  );
  return { ...archived, checkpoints: outcomes.filter((outcome) => outcome === 'stored').length };
}

export type IntegrityProblemKind =
  | 'unreadable-checkpoint'
  | 'misfiled-checkpoint'
  | 'forged-checkpoint'
  | 'checkpointed-record-missing'
  | 'checkpointed-record-altered'
  | 'unreadable-archived-record'
  | 'misfiled-archived-record'
  | 'archived-record-missing'
  | 'archived-record-altered';

export interface IntegrityProblem {
  problem: IntegrityProblemKind;
  /** The archive object that shows it. */
  key: string;
  chain: number | null;
  seq: number | null;
}

/** An object read back from the archive. */
export interface ArchivedObject {
  key: string;
  body: string;
}

/** The table's record at a chain position, as read for verification. */
export type RecordAt = (chain: number, seq: number) => ChainedAuditRecord | undefined;

/** Indexes one organization's records (all chains) by position. */
export function recordsByPosition(records: Iterable<ChainedAuditRecord>): RecordAt {
  const byPosition = new Map<string, ChainedAuditRecord>();
  for (const record of records) byPosition.set(`${record.chain}#${record.seq}`, record);
  return (chain, seq) => byPosition.get(`${chain}#${seq}`);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * Checks an organization's signed checkpoints against the table: each must carry a valid signature of a
 * trusted key, and the table must still hold a record with that hash at that position. A tail rewritten
 * with recomputed hashes passes chain verification, but not this.
 */
export async function verifyCheckpoints(
  verifier: CheckpointVerifier,
  orgId: string,
  stored: readonly ArchivedObject[],
  recordAt: RecordAt,
): Promise<IntegrityProblem[]> {
  const problems: IntegrityProblem[] = [];
  for (const { key, body } of stored) {
    const parsed = AuditCheckpointSchema.safeParse(parseJson(body));
    if (!parsed.success) {
      problems.push({ problem: 'unreadable-checkpoint', key, chain: null, seq: null });
      continue;
    }
    const checkpoint = parsed.data;
    const { chain, seq } = checkpoint;
    const at = { key, chain, seq };
    const { signature, ...unsigned } = checkpoint;
    const genuine = await verifier.verify(
      checkpoint.keyId,
      checkpointMessage(unsigned),
      Buffer.from(signature, 'base64'),
    );
    if (!genuine) {
      problems.push({ problem: 'forged-checkpoint', ...at });
      continue;
    }
    if (checkpoint.orgId !== orgId || checkpointKey(checkpoint) !== key) {
      problems.push({ problem: 'misfiled-checkpoint', ...at });
      continue;
    }
    const record = recordAt(chain, seq);
    if (!record) problems.push({ problem: 'checkpointed-record-missing', ...at });
    else if (record.hash !== checkpoint.hash)
      problems.push({ problem: 'checkpointed-record-altered', ...at });
  }
  return problems;
}

/**
 * Checks an organization's Object Lock copies against the table: every archived record must still be in
 * the table, unchanged. Records newer than the archive (seconds of stream lag) are not expected there.
 */
export function verifyArchive(
  orgId: string,
  archived: readonly ArchivedObject[],
  recordAt: RecordAt,
): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  for (const { key, body } of archived) {
    const parsed = ChainedAuditRecordSchema.safeParse(parseJson(body));
    if (!parsed.success) {
      problems.push({ problem: 'unreadable-archived-record', key, chain: null, seq: null });
      continue;
    }
    const copy = parsed.data;
    const at = { key, chain: copy.chain, seq: copy.seq };
    if (copy.orgId !== orgId || archiveKey(copy) !== key) {
      problems.push({ problem: 'misfiled-archived-record', ...at });
      continue;
    }
    const record = recordAt(copy.chain, copy.seq);
    if (!record) problems.push({ problem: 'archived-record-missing', ...at });
    else if (canonicalize(record) !== canonicalize(copy))
      problems.push({ problem: 'archived-record-altered', ...at });
  }
  return problems;
}

/** Every object under a prefix, in key order (chain, then seq). */
export async function readArchived(reader: AuditArchiveReader, prefix: string): Promise<ArchivedObject[]> {
  const objects: ArchivedObject[] = [];
  for await (const key of reader.keys(prefix)) objects.push({ key, body: await reader.get(key) });
  return objects;
}

/** The position a checkpoint key names, or null for any other key. */
export function parseCheckpointKey(key: string): Pick<CheckpointHead, 'orgId' | 'chain' | 'seq'> | null {
  const match = /^checkpoints\/org=(.+)\/chain=(\d{2})\/seq=(\d{12})\.json$/.exec(key);
  if (!match) return null;
  return { orgId: match[1] ?? '', chain: Number(match[2]), seq: Number(match[3]) };
}
