/**
 * How the local stack is started, by `npm start` (package.json repeats these flags), the integration
 * tests and the benchmark. The old generation is capped because V8 otherwise lets garbage grow towards
 * 4 GB. The young generation is capped too: V8 grows it to 128 MiB for a busy process, which held about
 * 125 MiB more at peak; smaller, it is scavenged more often, which measured as more CPU per small answer
 * and less per large one (docs/benchmark-dicomweb.md, stop 35).
 */
export const LOCAL_STACK_NODE_ARGS = [
  '--max-old-space-size=640',
  '--max-semi-space-size=8',
  '--import',
  'tsx',
  'scripts/local/start.ts',
];
