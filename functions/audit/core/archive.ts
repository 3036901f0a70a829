import type { ChainedAuditRecord } from '#schemas/audit/audit-event';

export type { ChainedAuditRecord };

/** Port: the write-once archive (S3 Object Lock in AWS). */
export interface AuditArchive {
  /** Stores a record under a key derived from its chain position; a second put of the same key is a no-op. */
  put(key: string, body: string): Promise<'stored' | 'already-archived'>;
}

/** Archive keys come from the organization id and chain position, all server-generated. */
export function archiveKey(record: Pick<ChainedAuditRecord, 'orgId' | 'chain' | 'seq'>): string {
  const chain = String(record.chain).padStart(2, '0');
  return `audit/org=${record.orgId}/chain=${chain}/seq=${String(record.seq).padStart(12, '0')}.json`;
}

/**
 * Archive writes in flight at once. One at a time, a stream batch of 100 took 100 S3 round trips (about
 * 3 s), so one shard archived about 30 records/s, fewer than one viewer's frame requests write; 16 at a
 * time take 7 rounds. Every write of a batch settles before it returns, so a checkpoint signed after it
 * still vouches only for archived records.
 */
export const ARCHIVE_WRITES_IN_FLIGHT = 16;

/**
 * Batches of one stream shard the archiver runs at once (the event source mapping's parallelization).
 * Lambda keeps each partition key's (one chain's) records in order, so a chain's checkpoints still follow
 * its archived records; with ARCHIVE_WRITES_IN_FLIGHT per batch, one shard archives past the ~1,000
 * writes/s a DynamoDB partition accepts.
 */
export const ARCHIVER_BATCHES_PER_SHARD = 4;

/**
 * Runs `write` over every item, at most `inFlight` at once, and waits for all of them. After
 * a failure no further item is started; the writes already started settle, then the first error is thrown
 * (the stream redelivers the batch, and a write repeated is a no-op).
 */
export async function eachInFlight<T, R>(
  items: readonly T[],
  write: (item: T) => Promise<R>,
  inFlight: number,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await write(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, inFlight), items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

export async function archiveRecords(archive: AuditArchive, records: readonly ChainedAuditRecord[]) {
  const outcomes = await eachInFlight(
    records,
    (record) => archive.put(archiveKey(record), JSON.stringify(record)),
    ARCHIVE_WRITES_IN_FLIGHT,
  );
  const stored = outcomes.filter((outcome) => outcome === 'stored').length;
  return { stored, skipped: records.length - stored };
}

/** A stream event on the audit table: only inserts are legitimate; anything else is tampering. */
export interface AuditTableChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: { pk: string; sk: string };
}

/** The changes that can only come from rewriting or deleting a record: IAM denies both to every role. */
export function tamperingIn(changes: readonly AuditTableChange[]): AuditTableChange[] {
  return changes.filter((change) => change.eventName !== 'INSERT');
}

/** Port: reading the archive back, for verification (reviewers' credentials, never the archiver's). */
export interface AuditArchiveReader {
  /** Every key under the prefix, in key order. */
  keys(prefix: string): AsyncIterable<string>;
  get(key: string): Promise<string>;
}
