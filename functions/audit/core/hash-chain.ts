import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditRecord } from '#schemas/audit/audit-event';
import type { ChainedAuditRecord } from './archive';

/** Every chain starts from this value. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * hash = SHA-256 over the RFC 8785 canonical JSON of the record with its seq and prevHash, so any change
 * to a record, or to its place in the chain, changes every hash after it.
 */
export function recordHash(record: Omit<ChainedAuditRecord, 'hash'>): string {
  const canonical = canonicalize(record);
  if (canonical === undefined) throw new Error('record cannot be canonicalized');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** One of an organization's chains. */
export interface ChainId {
  orgId: string;
  chain: number;
}

export function chainRecord(record: AuditRecord, chain: number, head: ChainHead | null): ChainedAuditRecord {
  const linked = { ...record, chain, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
  return { ...linked, hash: recordHash(linked) };
}

export type ChainProblem =
  | 'altered'
  | 'missing-or-inserted'
  | 'out-of-order'
  | 'foreign-record'
  | 'truncated';

export type ChainVerdict =
  | { ok: true; records: number; head: ChainHead | null }
  | { ok: false; records: number; position: number; seq: number | null; problem: ChainProblem };

/**
 * Checks one chain's records in stored order. Reports the first bad position: an altered record (hash
 * mismatch), a gap or duplicate in the sequence (removal or insertion), a broken link (reordering), or a
 * record of another organization or chain. A chain cut short at its end looks complete on its own; pass
 * the head known independently (the archive's) to detect that too.
 */
export function verifyChain(
  { orgId, chain }: ChainId,
  records: readonly ChainedAuditRecord[],
  knownHead: ChainHead | null = null,
): ChainVerdict {
  let previous: ChainHead | null = null;
  for (const [position, record] of records.entries()) {
    const fail = (problem: ChainProblem): ChainVerdict => ({
      ok: false,
      records: records.length,
      position,
      seq: Number.isInteger(record.seq) ? record.seq : null,
      problem,
    });
    if (record.orgId !== orgId || record.chain !== chain) return fail('foreign-record');
    const { hash, ...content } = record;
    if (recordHash(content) !== hash) return fail('altered');
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const seq: number = record.seq;
    if (seq !== expectedSeq) return fail(seq > expectedSeq ? 'missing-or-inserted' : 'out-of-order');
    if (record.prevHash !== (previous?.hash ?? GENESIS_HASH)) return fail('out-of-order');
    previous = { seq: record.seq, hash: record.hash };
  }
  if (knownHead && (previous?.seq ?? 0) < knownHead.seq) {
    return { ok: false, records: records.length, position: records.length, seq: null, problem: 'truncated' };
  }
  return { ok: true, records: records.length, head: previous };
}
