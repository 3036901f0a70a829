import { ARCHIVE_WRITES_IN_FLIGHT, ARCHIVER_BATCHES_PER_SHARD } from '../../functions/audit/core/archive';
import { AUDIT_CHAINS_PER_ORG } from '../../schemas/audit/audit-event';

/**
 * A deployed-latency model (issue 12): documented per-call latencies of the AWS services, applied to each
 * DICOMweb read's sequence of AWS calls as the local stack's call trace measures it. Calls in one round
 * run concurrently, so a round costs its slowest call; rounds run one after another.
 *
 * Sources of the per-call figures (medians; the model's inputs, not measurements of PACScribe):
 * - DynamoDB: "single-digit millisecond performance at any scale" (https://aws.amazon.com/dynamodb/);
 *   a read is taken at 5 ms, a conditional write (the audit append) at 8 ms.
 * - S3: for requests under 512 KB "median latencies are often in the tens of milliseconds range"
 *   (https://docs.aws.amazon.com/whitepapers/latest/s3-optimizing-performance-best-practices/timeouts-and-retries-for-latency-sensitive-applications.html);
 *   the first byte of a GET is taken at 30 ms.
 * - An S3 PUT of a small object (an audit record, a checkpoint) is taken at 30 ms, as the GET above.
 * - KMS publishes no latency for Sign; 20 ms is assumed for an ECC_NIST_P256 signature.
 * - API Gateway: its `Latency` metric is the integration latency "and other API Gateway overhead"
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/monitoring-cloudwatch.html); AWS publishes
 *   no figure, so 10 ms is assumed, and 5 ms for a warm Lambda invoke (a cold start is not modelled).
 */
export type CallKind = 'dynamodb-read' | 'dynamodb-write' | 's3-first-byte' | 's3-put' | 'kms-sign';

/** Rounds of calls: the calls of one round run concurrently, the rounds in sequence. */
export type CallSequence = readonly (readonly CallKind[])[];

export interface LatencyAssumptions {
  perCallMs: Record<CallKind, number>;
  apiGatewayMs: number;
  lambdaInvokeMs: number;
}

export const DOCUMENTED_LATENCIES: LatencyAssumptions = {
  perCallMs: { 'dynamodb-read': 5, 'dynamodb-write': 8, 's3-first-byte': 30, 's3-put': 30, 'kms-sign': 20 },
  apiGatewayMs: 10,
  lambdaInvokeMs: 5,
};

/** Time to the first byte of one request: the fixed overheads plus each round's slowest call. */
export function predictedMs(sequence: CallSequence, assumptions: LatencyAssumptions = DOCUMENTED_LATENCIES) {
  const rounds = sequence.reduce(
    (total, round) => total + Math.max(0, ...round.map((kind) => assumptions.perCallMs[kind])),
    0,
  );
  return assumptions.apiGatewayMs + assumptions.lambdaInvokeMs + rounds;
}

const read = 'dynamodb-read';
const write = 'dynamodb-write';
const s3 = 's3-first-byte';

/**
 * Each read route's call sequence before issue 12 (membership read, then the index read, then for pixel
 * data the S3 read, then the audit write) and after (the membership read beside the index read, then the
 * audit write beside the S3 read). A warm instance that has seen the caller; the first request of a
 * caller on an instance still pays the before sequence's first two rounds.
 */
export const READ_SEQUENCES: Record<string, { before: CallSequence; after: CallSequence }> = {
  searchStudies: { before: [[read], [read], [write]], after: [[read, read], [write]] },
  searchSeries: { before: [[read], [read, read], [write]], after: [[read, read, read], [write]] },
  retrieveSeriesMetadata: {
    before: [[read], [read, read], [write]],
    after: [[read, read, read], [write]],
  },
  retrieveInstanceMetadata: {
    before: [[read], [read, read], [write]],
    after: [[read, read, read], [write]],
  },
  retrieveFrames: {
    before: [[read], [read], [s3], [write]],
    after: [
      [read, read],
      [write, s3],
    ],
  },
  retrieveInstance: {
    before: [[read], [read, read], [s3], [write]],
    after: [
      [read, read, read],
      [write, s3],
    ],
  },
  // Rendered images: the record, then its DICOM JSON, then the frame, then the audit (rendering's own time,
  // after the frame arrives, is not modelled); after: record and JSON beside the membership.
  retrieveRenderedFrames: {
    before: [[read], [read], [read], [s3], [write]],
    after: [
      [read, read, read],
      [write, s3],
    ],
  },
  retrieveInstanceThumbnail: {
    before: [[read], [read], [read], [s3], [write]],
    after: [
      [read, read, read],
      [write, s3],
    ],
  },
  // A series of 10 instances, to the last object's first byte (the bytes' transfer is not modelled): one
  // object read after another; after, the reads run 4 ahead of the part going out.
  retrieveSeries: {
    before: [[read, read, read], [write, s3], ...Array.from({ length: 9 }, (): CallKind[] => [s3])],
    after: [[read, read, read], [write, s3, s3, s3, s3, s3], [s3, s3, s3, s3], [s3]],
  },
};

const put = 's3-put';

/**
 * STOW-RS of one instance, before stop 33 and after: the membership read beside the subscription's
 * standing; then the index's three reads (a resend, the study, the series), now one batch read; then the
 * object's write (only once the read allows it: a refused instance is never written), the index
 * transaction and the audit record. Fewer calls, the same rounds.
 */
export const STORE_SEQUENCE: { before: CallSequence; after: CallSequence } = {
  before: [[read, read], [read, read, read], [put], [write], [write]],
  after: [[read, read], [read], [put], [write], [write]],
};

/** The model as a Markdown table, with the sequential round trips the call trace measured beside it. */
export function latencyModelTable(measuredMinSequential: Record<string, number | undefined> = {}): string[] {
  const show = (sequence: CallSequence) =>
    sequence.map((round) => (round.length > 1 ? `(${round.join(' ∥ ')})` : round[0])).join(' → ');
  return [
    '| route | call sequence after | rounds (model / measured min) | predicted p50 before | predicted p50 after |',
    '|---|---|---|---|---|',
    ...Object.entries({ ...READ_SEQUENCES, storeInstances: STORE_SEQUENCE }).map(
      ([route, { before, after }]) =>
        `| ${route} | ${show(after)} | ${after.length} / ${measuredMinSequential[route] ?? '—'} | ${predictedMs(before)} ms | ${predictedMs(after)} ms |`,
    ),
  ];
}

/** One stream batch of the audit archiver: its records, the chains they touch, the writes run at once. */
export interface ArchiverBatch {
  records: number;
  chains: number;
  writesInFlight: number;
}

/**
 * Records one shard's archiver keeps up with, per batch processor: each record is one S3 PUT; once all
 * are stored, each chain's head is signed (KMS) and its checkpoint PUT, `writesInFlight` at a time.
 */
export function archiverRecordsPerSecond(
  batch: ArchiverBatch,
  assumptions: LatencyAssumptions = DOCUMENTED_LATENCIES,
): number {
  const { 's3-put': put, 'kms-sign': sign } = assumptions.perCallMs;
  const rounds = (count: number) => Math.ceil(count / batch.writesInFlight);
  const batchMs =
    assumptions.lambdaInvokeMs + rounds(batch.records) * put + rounds(batch.chains) * (sign + put);
  return (1000 * batch.records) / batchMs;
}

/** The archiver's line of the report: what one shard keeps up with, before and now. */
export function archiverModelLines(): string[] {
  const batch = { records: 100, chains: AUDIT_CHAINS_PER_ORG };
  const before = archiverRecordsPerSecond({ ...batch, writesInFlight: 1 });
  const now = archiverRecordsPerSecond({ ...batch, writesInFlight: ARCHIVE_WRITES_IN_FLIGHT });
  return [
    `Audit archiver (every audited request writes one record; the stream feeds it in batches of 100): a batch of one organization's ${batch.chains} chains archived one write at a time kept one shard at ${before.toFixed(0)} records/s; ${ARCHIVE_WRITES_IN_FLIGHT} writes at a time, ${now.toFixed(0)} records/s per batch, ${ARCHIVER_BATCHES_PER_SHARD} batches of a shard at once: ${(now * ARCHIVER_BATCHES_PER_SHARD).toFixed(0)} records/s per shard.`,
  ];
}
