import {
  COLLECTOR_TRACE_FLAGS,
  CollectorTrace,
  collectorFigures,
  collectorTraceFor,
  parseCollection,
} from '../../../scripts/bench/collector-trace';
import { collectorTable, type ServerWindow, type Window } from '../../../scripts/bench/profile';

// Lines as Node 20's V8 prints them under --trace-gc --trace-gc-nvp (fields between left out).
const scavenge =
  '[31796:0x2b8eb330]       67 ms: pause=0.4 mutator=6.3 gc=s reduce_memory=0 time_to_safepoint=0.00 heap.prologue=0.00 scavenge=0.41 total_size_before=6477472 total_size_after=4788536 allocated=2712816 promoted=89856 new_space_survived=101832 nodes_died_in_new=0 promotion_ratio=4.8% new_space_survive_rate_=5.4% unmapper_chunks=3';
const markCompact =
  '[32388:0x31875fc0]       67 ms: pause=11.3 mutator=0.4 gc=mc reduce_memory=0 time_to_safepoint=0.00 heap.prologue=0.00 mark=7.1 total_size_before=9000000 total_size_after=4000000 allocated=120 promoted=1777792 new_space_survived=0 compaction_speed=0';

describe('the collector trace reads what V8 printed of each collection', () => {
  it('reads a scavenge as young, with what stayed young and what was promoted both counted as surviving', () => {
    expect(parseCollection(scavenge)).toEqual({
      kind: 'young',
      pauseMs: 0.4,
      survivedBytes: 101832 + 89856,
      promotedBytes: 89856,
    });
  });

  it('reads a mark-compact as a full collection', () => {
    expect(parseCollection(markCompact)).toMatchObject({ kind: 'full', pauseMs: 11.3 });
  });

  it('passes over everything else the process prints', () => {
    expect(parseCollection('PACScribe is ready in 9.1 s')).toBeUndefined();
    expect(parseCollection('{"level":"WARN","message":"slow","pause":3}')).toBeUndefined();
    expect(parseCollection('')).toBeUndefined();
  });

  it('keeps a line cut across two chunks of output whole', () => {
    const trace = new CollectorTrace();
    const cut = scavenge.length - 40;
    trace.feed(`log line\n${scavenge.slice(0, cut)}`);
    expect(trace.collections).toEqual([]);
    trace.feed(Buffer.from(`${scavenge.slice(cut)}\n${markCompact}\n`));
    expect(trace.collections.map((collection) => collection.kind)).toEqual(['young', 'full']);
    expect(trace.collections[0]?.promotedBytes).toBe(89856);
  });

  it('is made only for a process started with both trace flags', () => {
    expect(collectorTraceFor([...COLLECTOR_TRACE_FLAGS, '--cpu-prof'])).toBeInstanceOf(CollectorTrace);
    expect(collectorTraceFor(['--trace-gc-nvp'])).toBeUndefined();
    expect(collectorTraceFor(['--cpu-prof'])).toBeUndefined();
    expect(collectorTraceFor(undefined)).toBeUndefined();
  });

  it('sums a window per request: bytes from young collections, pauses by kind', () => {
    const young = { kind: 'young' as const, pauseMs: 2, survivedBytes: 3 * 1024, promotedBytes: 1024 };
    const full = { kind: 'full' as const, pauseMs: 8, survivedBytes: 100 * 1024, promotedBytes: 90 * 1024 };
    expect(collectorFigures([young, young, full], 4)).toEqual({
      young: 2,
      survivedKiB: 1.5,
      promotedKiB: 0.5,
      youngPauseMs: 1,
      full: 1,
      fullPauseMs: 2,
    });
    expect(collectorFigures([], 0)).toMatchObject({ young: 0, survivedKiB: 0, full: 0 });
  });
});

describe("the profile's collector table", () => {
  const figures = collectorFigures(
    [{ kind: 'young', pauseMs: 3, survivedBytes: 2048, promotedBytes: 1024 }],
    2,
  );
  const window = (label: string): Window => ({
    label,
    from: 0,
    to: 1,
    requests: 2,
    p50: 1,
    nodeCpu: 0,
    jvmCpu: 0,
    s3Cpu: 0,
    witnessCpu: 0,
    collector: figures,
  });
  const server: ServerWindow = {
    label: 'QIDO by PatientID',
    from: 0,
    to: 1,
    requests: 2,
    cpu: 0,
    collector: collectorFigures([], 2),
  };

  it('sets the stack beside the bare server, and marks a row the server does not run', () => {
    const table = collectorTable([window('STOW (one instance)'), window('QIDO by PatientID')], [server]);
    expect(table).toContain('| STOW (one instance) | 1 / – | 1 / – | 1 / – | 1.50 / – | 0 / – | 0.00 / – |');
    expect(table).toContain(
      '| QIDO by PatientID | 1 / 0 | 1 / 0 | 1 / 0 | 1.50 / 0.00 | 0 / 0 | 0.00 / 0.00 |',
    );
  });
});
