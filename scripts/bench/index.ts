import { parseArgs } from 'node:util';
import { benchDicomweb } from './dicomweb';

/** `npm run bench -- dicomweb [--instances N] [--requests N]`: PACScribe against a peer, in one run. */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { instances: { type: 'string', default: '2000' }, requests: { type: 'string', default: '200' } },
});

async function main() {
  if (positionals[0] !== 'dicomweb') {
    console.error('usage: npm run bench -- dicomweb [--instances 2000] [--requests 200]');
    return 2;
  }
  await benchDicomweb({ instances: Number(values.instances), requests: Number(values.requests) });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
