/**
 * How the local stack is started, by `npm start` (package.json repeats these flags), the integration
 * tests and the benchmark. The old generation is capped because V8 otherwise lets garbage grow towards
 * 4 GB. The young generation is capped too: V8 grows it to 128 MiB for a busy process, which held about
 * 125 MiB more at peak; smaller, it is scavenged more often, which measured as more CPU per small answer
 * and less per large one (docs/benchmark-dicomweb.md, stop 35). Between full collections the old
 * generation may grow by as much again as it held after the last one: under a 100-study page's load V8's
 * own tighter limit ran a full mark-compact every 1.2 s, and this cost the stack 0.2–1.5 ms of CPU per
 * request more than the roomier one, for about 65 MiB (stop 41).
 *
 * In AWS each function runs in a process of its own, where the SDK's shared middleware sees that
 * function's few commands; here every function's calls go through one copy of it, and V8 gives up on a
 * call site (megamorphic) after 4 object shapes. Tracking 16 kept the stack's CPU per request 6 % lower
 * on average over six read rows (four stacks each; two of the rows 2–4 % higher), at no memory cost (stop
 * 44); a copy of the bundle per function instead cost more CPU and 250 MiB.
 */
export const LOCAL_STACK_NODE_ARGS = [
  '--max-old-space-size=640',
  '--max-semi-space-size=8',
  '--heap-growing-percent=100',
  '--max-valid-polymorphic-map-count=16',
  '--import',
  'tsx',
  'scripts/local/start.ts',
];
