/**
 * How the local stack is started, by `npm start` (package.json repeats these flags), the integration
 * tests and the benchmark: the heap is capped because V8 otherwise lets garbage grow towards 4 GB.
 */
export const LOCAL_STACK_NODE_ARGS = [
  '--max-old-space-size=640',
  '--import',
  'tsx',
  'scripts/local/start.ts',
];
