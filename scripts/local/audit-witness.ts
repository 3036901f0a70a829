import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { AuditTableStream } from '../../functions/audit/adapters/audit-table-stream';
import { KeyPairCheckpointSigner } from '../../functions/audit/adapters/key-pair-checkpoint-keys';
import { S3AuditArchive } from '../../functions/audit/adapters/s3-audit-archive';
import type { ChainedAuditRecord } from '../../functions/audit/core/archive';
import { archiveAndCheckpoint, parseCheckpointKey } from '../../functions/audit/core/checkpoints';
import { systemClock } from '../../functions/shared/ports';
import { LOCAL_AUDIT_ARCHIVE_BUCKET, localCheckpointKey } from './bootstrap';
import { forkService, serveAsChild } from './child-service';
import { S3RVER_NODE_FLAGS, startS3 } from './services/s3';

/** How often the local witness looks for new audit records (AWS: the stream, within about a second). */
const WITNESS_INTERVAL_MS = 2000;
/**
 * Records read and archived at a time, then checkpointed (AWS: the event source mapping's batch size). It
 * also bounds the read: DynamoDB Local returns up to 1,000 records a page whatever their size, where AWS
 * stops a GetRecords page at 1 MB: a 100-study search's record names 202 objects, about 20 KB in the
 * stream's JSON, so 1,000 of them are about 20 MB (an estimate), parsed and unmarshalled at once.
 */
const WITNESS_BATCH = 100;
/**
 * The witness's niceness, the lowest there is: it runs on what the handlers and the stand-ins leave (19
 * weighs about 1/70 of 0), as the archiver runs on compute of its own in AWS, and catches up when the load
 * pauses. The stream keeps records for a day in AWS; here the table holds them until they are archived.
 */
const WITNESS_NICENESS = 19;
/** How long a stopping witness may take to finish its batch before it is killed. */
const STOP_GRACE_MS = 15_000;

/**
 * Archives what the stream holds, a batch at a time: each read asks for one batch only, so the witness never
 * holds more than a batch of records, and each batch ends with its checkpoints. Stops between batches once
 * `stopped` says so.
 */
export async function archiveBacklog(
  source: Pick<AuditTableStream, 'newRecords'>,
  archiveBatch: (records: ChainedAuditRecord[]) => Promise<unknown>,
  stopped: () => boolean,
  batch = WITNESS_BATCH,
): Promise<void> {
  let records: ChainedAuditRecord[];
  do {
    records = await source.newRecords(batch);
    if (records.length > 0) await archiveBatch(records);
  } while (records.length === batch && !stopped());
}

export interface AuditWitnessConfig {
  endpoints: { dynamodb: string };
  table: string;
  /** The data folder whose checkpoint key (localCheckpointKey) signs the checkpoints. */
  dataDir: string;
  /** The stack's s3rver folder: the witness writes the archive bucket in it through an s3rver of its own. */
  s3Dir: string;
}

/**
 * The archiver's work without a stream consumer: every few seconds, archive the audit records inserted
 * since the last look and sign the newest of each chain, with the same core as the Lambda
 * (archiveAndCheckpoint) and a local key in place of KMS. Returns the function that stops it.
 */
async function runAuditWitness(config: AuditWitnessConfig): Promise<() => Promise<void>> {
  const { endpoints, table } = config;
  const key = localCheckpointKey(config.dataDir);
  const dynamo = new DynamoDBClient({ endpoint: endpoints.dynamodb });
  // An s3rver of its own over the stack's folder, so archive writes are served on the witness's (niced) CPU,
  // not on the handlers' event loop; the stack's s3rver reads the same files for audit:verify and tests.
  const archiveStore = await startS3(config.s3Dir, 0, [LOCAL_AUDIT_ARCHIVE_BUCKET]);
  const s3 = new S3Client({ endpoint: archiveStore.endpoint, forcePathStyle: true });
  const archive = new S3AuditArchive(s3, LOCAL_AUDIT_ARCHIVE_BUCKET);
  const streams = new DynamoDBStreamsClient({ endpoint: endpoints.dynamodb });
  const source = new AuditTableStream(dynamo, streams, table);
  // The Lambda's 16 writes at a time (ARCHIVE_WRITES_IN_FLIGHT): all of it runs in this process.
  const deps = {
    archive,
    signer: new KeyPairCheckpointSigner(key.privateKey, key.keyId),
    clock: systemClock,
  };
  for await (const stored of archive.keys('checkpoints/')) {
    const head = parseCheckpointKey(stored);
    if (head) source.resumeAfter(head);
  }
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      // A long backlog (e.g. after the benchmark held the witness) is never all in memory, and stopping does
      // not wait for it: each batch ends with its checkpoints, from which the next start resumes.
      await archiveBacklog(
        source,
        (records) => archiveAndCheckpoint(deps, records),
        () => stopped,
      );
    } catch (error) {
      if (!stopped) console.error('local audit witness:', error instanceof Error ? error.message : error);
    }
    if (!stopped) timer = setTimeout(() => (running = tick()), WITNESS_INTERVAL_MS);
  };
  running = tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
    dynamo.destroy();
    streams.destroy();
    s3.destroy();
    await archiveStore.stop();
  };
}

/**
 * Starts the witness in a process of its own, as the archiver is a function of its own in AWS: its stream
 * reads, archive writes and checkpoint signing then do not run on the event loop the handlers answer on.
 * Resolves once it has resumed from the stored checkpoints; the result stops it (it finishes its batch).
 */
export async function startAuditWitness(config: AuditWitnessConfig): Promise<() => Promise<void>> {
  const witness = await forkService<AuditWitnessConfig, null>(__filename, config, {
    name: 'local audit witness',
    niceness: WITNESS_NICENESS,
    maxOldSpaceMiB: 128,
    // Its live heap is a few dozen MiB: V8's default young generation (128 MiB) more than doubled its
    // memory, and cost it more CPU than this one does (docs/benchmark-dicomweb.md, stop 35).
    maxSemiSpaceMiB: 4,
    // Its own s3rver lists the checkpoints when it starts.
    nodeFlags: S3RVER_NODE_FLAGS,
    stopGraceMs: STOP_GRACE_MS,
  });
  return witness.stop;
}

if (require.main === module && process.send) {
  serveAsChild(async (config: AuditWitnessConfig) => ({ info: null, stop: await runAuditWitness(config) }));
}
