import { collectorFigures } from '../../../scripts/bench/collector-trace';
import {
  againstTheBareServer,
  type CpuProfile,
  cpuByBucket,
  type ServerWindow,
  type Window,
} from '../../../scripts/bench/profile';

/** A profile whose samples, 1 ms apart from t=0, land on the named frames in turn. */
function profileOf(frames: { functionName: string; url: string }[], samples: number[]): CpuProfile {
  const nodes = [
    {
      id: 1,
      callFrame: { functionName: '(root)', url: '', lineNumber: 0 },
      children: frames.map((_, i) => i + 2),
    },
    ...frames.map((frame, i) => ({ id: i + 2, callFrame: { ...frame, lineNumber: 0 } })),
  ];
  return {
    nodes,
    startTime: 0,
    endTime: samples.length * 1000,
    samples,
    timeDeltas: samples.map(() => 1000),
  };
}

describe('the profile sets the stack beside the bare server, part by part', () => {
  const sdk = { functionName: 'send', url: 'file:///p/node_modules/@smithy/core/dist-cjs/index.js' };
  const router = { functionName: 'dispatch', url: 'file:///p/scripts/local/router.ts' };
  const bare = { functionName: 'serve', url: 'file:///p/scripts/bench/gateway-ceiling.ts' };
  const idle = { functionName: '(idle)', url: '' };
  const gc = { functionName: '(garbage collector)', url: '' };

  it("charges each window's busy samples to their parts, per request, and leaves idle out", () => {
    // Frames are nodes 2…6: sdk, router, bare, idle, gc. Samples at 1, 2, … 8 ms.
    const profile = profileOf([sdk, router, bare, idle, gc], [2, 2, 3, 4, 5, 5, 6, 2]);
    const [first, second] = cpuByBucket(
      profile,
      [
        { from: 0, to: 4000, requests: 2 },
        { from: 4500, to: 8000, requests: 1 },
      ],
      () => 'bundle',
    );
    // 1–4 ms: two SDK samples, one router, one bare server, over 2 requests.
    expect(Object.fromEntries(first ?? [])).toEqual({
      'AWS SDK': 1,
      "the server (the local stack's router and streaming; the bare server)": 1,
    });
    // 5–8 ms: two idle (left out), one GC, one SDK, over 1 request.
    expect(Object.fromEntries(second ?? [])).toEqual({ 'GC and V8': 1, 'AWS SDK': 1 });
  });

  it("shares each side's /proc CPU out over its parts, and gives the difference", () => {
    const stackWindow = { label: 'QIDO', requests: 100, nodeCpu: 0.3 } as Window;
    const serverWindow: ServerWindow = {
      label: 'QIDO',
      from: 0,
      to: 1,
      requests: 100,
      cpu: 0.1,
      collector: collectorFigures([], 100),
    };
    const lines = againstTheBareServer(
      // Sampled busy 4 ms per request where /proc says 3: each part is three quarters of its samples.
      [
        new Map([
          ['AWS SDK', 2],
          ["PACScribe's code", 2],
        ]),
      ],
      [stackWindow],
      [new Map([['AWS SDK', 0.5]])],
      [serverWindow],
      ['AWS SDK', "PACScribe's code"],
    );
    expect(lines).toContain('| QIDO | 3.00 / 1.00 (+2.00) | 1.50 / 1.00 (+0.50) | 1.50 / 0.00 (+1.50) |');
  });
});
