import { CHAIN_PARTITION } from '../../../functions/audit/adapters/audit-table-stream';
import {
  ceilingAuditItem,
  replayStages,
  s3ReadOf,
  stowCeilingUids,
} from '../../../scripts/bench/stand-in-ceiling';

describe('the stand-in ceiling replays recorded requests in their stages', () => {
  const call = (name: string, start: number, end: number) => ({ name, start, end });
  const names = (stages: { name: string }[][]) => stages.map((stage) => stage.map((c) => c.name));

  it('runs together what overlapped, and after what had answered before it started', () => {
    // A warm search: the membership beside the index read, then the audit append.
    expect(
      names(replayStages([call('put', 21, 38), call('member', 0.03, 19.8), call('query', 0, 19.4)])),
    ).toEqual([['query', 'member'], ['put']]);
    // A cold function's first request: the membership alone, then the reads, then the audit beside the S3 read.
    expect(
      names(
        replayStages([
          call('member', 0, 10),
          call('sop', 13, 25),
          call('study', 13.1, 32),
          call('put', 40, 79),
          call('s3', 42, 105),
        ]),
      ),
    ).toEqual([['member'], ['sop', 'study'], ['put', 's3']]);
  });

  it('puts a call after the latest stage of those that answered before it, not merely the first', () => {
    // c started once b (the second stage) had answered: the third stage, though d was still running.
    expect(
      names(replayStages([call('a', 0, 10), call('b', 11, 20), call('c', 21, 30), call('d', 12, 40)])),
    ).toEqual([['a'], ['b', 'd'], ['c']]);
    expect(replayStages([])).toEqual([]);
  });

  it('reads the bucket, key and range of a path-style S3 GET, and refuses anything but a read', () => {
    expect(
      s3ReadOf({
        method: 'GET',
        path: '/pacscribe-local-imaging/org/8f6d/instances/84cc%2B9.dcm?x-id=GetObject',
        range: 'bytes=788-525075',
      }),
    ).toEqual({
      Bucket: 'pacscribe-local-imaging',
      Key: 'org/8f6d/instances/84cc+9.dcm',
      Range: 'bytes=788-525075',
    });
    expect(s3ReadOf({ method: 'GET', path: '/bucket/key' })).toEqual({ Bucket: 'bucket', Key: 'key' });
    expect(() => s3ReadOf({ method: 'PUT', path: '/bucket/key' })).toThrow(/reads only/);
    expect(() => s3ReadOf({ method: 'GET', path: '/bucket' })).toThrow(/path-style/);
  });
});

describe("the stand-in ceiling's audit append", () => {
  const record = {
    pk: { S: 'ORG#8f6d#CHAIN#03' },
    sk: { S: 'SEQ#000000000042' },
    gsi1pk: { S: 'ORG#8f6d' },
    gsi1sk: { S: '2026-12-07T01:00:00.000Z#03#000000000042' },
    action: { S: 'searchStudies' },
    objects: { L: [{ M: { type: { S: 'study' }, id: { S: '1.2.3' } } }] },
  };

  it('is a copy in partitions as long that no chain, time-index query or witness reads', () => {
    const copy = ceilingAuditItem(record, 'ceiling-1-1');
    expect(CHAIN_PARTITION.test(String(record.pk.S))).toBe(true);
    expect(CHAIN_PARTITION.test(String(copy.pk?.S))).toBe(false);
    expect(copy.gsi1pk?.S).not.toBe(record.gsi1pk.S);
    expect(copy.pk?.S?.length).toBe(record.pk.S.length);
    expect(copy.gsi1pk?.S?.length).toBe(record.gsi1pk.S.length);
    expect(copy.sk?.S).toBe('SEQ#000000000042#ceiling-1-1');
    expect({ ...copy, pk: record.pk, sk: record.sk, gsi1pk: record.gsi1pk }).toEqual(record);
  });

  it('refuses an item that is not an organization record', () => {
    expect(() => ceilingAuditItem({ ...record, pk: { S: 'CEL#8f6d#CHAIN#03' } }, 'x')).toThrow(/pk/);
    expect(() => ceilingAuditItem({ ...record, gsi1pk: { N: '1' } }, 'x')).toThrow(/gsi1pk/);
  });
});

describe("the stand-in ceiling's STOW", () => {
  it('stores studies of 20 instances in two series of 10, as the data set does, each instance new', () => {
    const made = Array.from({ length: 60 }, (_, n) => stowCeilingUids(4242, n));
    const count = (key: 'studyInstanceUid' | 'seriesInstanceUid') => {
      const counts = new Map<string, number>();
      for (const uids of made) counts.set(uids[key], (counts.get(uids[key]) ?? 0) + 1);
      return [...counts.values()];
    };
    expect(count('studyInstanceUid')).toEqual([20, 20, 20]);
    expect(count('seriesInstanceUid')).toEqual([10, 10, 10, 10, 10, 10]);
    expect(new Set(made.map((uids) => uids.sopInstanceUid)).size).toBe(60);
    for (const uids of made)
      expect(uids.seriesInstanceUid.startsWith(`${uids.studyInstanceUid}.`)).toBe(true);
  });

  it("names its instances apart from another process's (the gateway ceiling's server runs it too)", () => {
    const ours = new Set(Array.from({ length: 40 }, (_, n) => stowCeilingUids(100, n).studyInstanceUid));
    const theirs = Array.from({ length: 40 }, (_, n) => stowCeilingUids(1001, n).studyInstanceUid);
    expect(theirs.some((study) => ours.has(study))).toBe(false);
  });
});
