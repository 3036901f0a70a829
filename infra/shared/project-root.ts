import * as path from 'node:path';

/** Resolved from this file, never from cwd: synth, tests, the local stack and the benchmark agree. */
export const PROJECT_ROOT = path.join(__dirname, '../..');
