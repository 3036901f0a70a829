import {
  archiverRecordsPerSecond,
  DOCUMENTED_LATENCIES,
  latencyModelTable,
  predictedMs,
  READ_SEQUENCES,
  STORE_SEQUENCE,
} from '../../../scripts/bench/latency-model';

describe('the deployed-latency model of the benchmark', () => {
  const flat = {
    perCallMs: {
      'dynamodb-read': 4,
      'dynamodb-write': 7,
      's3-first-byte': 30,
      's3-put': 30,
      'kms-sign': 20,
    },
    apiGatewayMs: 10,
    lambdaInvokeMs: 5,
  } as const;

  it('adds the overheads to each round’s slowest call, rounds in sequence', () => {
    expect(predictedMs([], flat)).toBe(15);
    expect(predictedMs([['dynamodb-read']], flat)).toBe(19);
    expect(predictedMs([['dynamodb-read', 'dynamodb-read'], ['dynamodb-write']], flat)).toBe(26);
    expect(
      predictedMs(
        [
          ['dynamodb-read', 'dynamodb-read'],
          ['dynamodb-write', 's3-first-byte'],
        ],
        flat,
      ),
    ).toBe(49);
    expect(
      predictedMs([['dynamodb-read'], ['dynamodb-read'], ['s3-first-byte'], ['dynamodb-write']], flat),
    ).toBe(60);
  });

  it('models every DICOMweb read of the issue in at most two rounds after the change, fewer than before', () => {
    for (const [route, { before, after }] of Object.entries(READ_SEQUENCES)) {
      // A series is many objects: the two-round goal is for one request's own reads.
      if (route !== 'retrieveSeries') expect(after.length).toBeLessThanOrEqual(2);
      expect(after.length).toBeLessThan(before.length);
      expect(predictedMs(after)).toBeLessThan(predictedMs(before));
    }
  });

  it('prints one row per route with the measured round trips beside the model’s', () => {
    const table = latencyModelTable({ retrieveFrames: 2 });
    expect(table).toHaveLength(2 + Object.keys(READ_SEQUENCES).length + 1);
    const frames = table.find((line) => line.startsWith('| retrieveFrames '));
    const expected = predictedMs(READ_SEQUENCES.retrieveFrames?.after ?? [], DOCUMENTED_LATENCIES);
    expect(frames).toContain('| 2 / 2 |');
    expect(frames).toContain(`| ${expected} ms |`);
  });

  it('models STOW of one instance in 5 rounds, its index read one call instead of three', () => {
    expect(STORE_SEQUENCE.before).toHaveLength(5);
    expect(STORE_SEQUENCE.after).toHaveLength(5);
    expect(STORE_SEQUENCE.before.flat()).toHaveLength(8);
    expect(STORE_SEQUENCE.after.flat()).toHaveLength(6);
    // 10 + 5 for the gateway and the invocation; reads 5, the PUT 30, the writes 8 each.
    expect(predictedMs(STORE_SEQUENCE.after)).toBe(71);
    const row = latencyModelTable({ storeInstances: 5 }).find((line) => line.startsWith('| storeInstances '));
    expect(row).toContain('| 5 / 5 | 71 ms | 71 ms |');
  });

  it('models a series of 10 instances in 4 rounds with reads running ahead, against 11 one object at a time', () => {
    const series = READ_SEQUENCES.retrieveSeries;
    expect(series?.before).toHaveLength(11);
    expect(series?.after).toHaveLength(4);
    // Every object read once either way.
    const objectReads = (sequence: readonly (readonly string[])[] = []) =>
      sequence.flat().filter((kind) => kind === 's3-first-byte').length;
    expect(objectReads(series?.before)).toBe(10);
    expect(objectReads(series?.after)).toBe(10);
    expect(predictedMs(series?.after ?? [])).toBe(110);
    expect(predictedMs(series?.before ?? [])).toBe(320);
  });

  it("models the audit archiver's batch: one write at a time kept one shard under 30 records/s, 16 at a time over 300", () => {
    const batch = { records: 100, chains: 16 };
    // 5 + 100 × 30 + 16 × (20 + 30) = 3,805 ms for 100 records.
    expect(archiverRecordsPerSecond({ ...batch, writesInFlight: 1 }, flat)).toBeCloseTo(26.3, 1);
    // 5 + 7 × 30 + 1 × (20 + 30) = 265 ms.
    expect(archiverRecordsPerSecond({ ...batch, writesInFlight: 16 }, flat)).toBeCloseTo(377.4, 1);
  });
});
