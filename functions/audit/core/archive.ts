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

export async function archiveRecords(archive: AuditArchive, records: ChainedAuditRecord[]) {
  let stored = 0;
  for (const record of records) {
    if ((await archive.put(archiveKey(record), JSON.stringify(record))) === 'stored') stored += 1;
  }
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
