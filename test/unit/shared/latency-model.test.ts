import {
  DOCUMENTED_LATENCIES,
  latencyModelTable,
  predictedMs,
  READ_SEQUENCES,
} from '../../../scripts/bench/latency-model';

describe('the deployed-latency model of the benchmark', () => {
  const flat = {
    perCallMs: { 'dynamodb-read': 4, 'dynamodb-write': 7, 's3-first-byte': 30 },
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
    for (const { before, after } of Object.values(READ_SEQUENCES)) {
      expect(after.length).toBeLessThanOrEqual(2);
      expect(after.length).toBeLessThan(before.length);
      expect(predictedMs(after)).toBeLessThan(predictedMs(before));
    }
  });

  it('prints one row per route with the measured round trips beside the model’s', () => {
    const table = latencyModelTable({ retrieveFrames: 2 });
    expect(table).toHaveLength(2 + Object.keys(READ_SEQUENCES).length);
    const frames = table.find((line) => line.startsWith('| retrieveFrames '));
    const expected = predictedMs(READ_SEQUENCES.retrieveFrames?.after ?? [], DOCUMENTED_LATENCIES);
    expect(frames).toContain('| 2 / 2 |');
    expect(frames).toContain(`| ${expected} ms |`);
  });
});
