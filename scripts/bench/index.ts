import { parseArgs } from 'node:util';
import { benchDicomweb } from './dicomweb';
import { benchExport } from './export';
import { benchFunctions } from './functions';
import { benchProfile } from './profile';

/**
 * `npm run bench -- dicomweb [--instances N] [--requests N] [--repeats N]`: PACScribe against Orthanc and
 * the stand-ins' own ceiling, in one run; read rows repeated N times, interleaved.
 * `npm run bench -- export [--megabytes N]`: an organization's export against a plain copy of its objects.
 * `npm run bench -- profile [--instances 400] [--seconds 10]`: where the local stack's CPU goes on each read row.
 * `npm run bench -- functions [--only TEXT]`: each function's bundle size, module init time and RSS (docs/functions.md).
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    instances: { type: 'string' },
    requests: { type: 'string', default: '200' },
    repeats: { type: 'string', default: '3' },
    megabytes: { type: 'string', default: '1024' },
    only: { type: 'string' },
    seconds: { type: 'string', default: '10' },
  },
});

async function main() {
  if (positionals[0] === 'export') {
    await benchExport({ megabytes: Number(values.megabytes) });
    return 0;
  }
  if (positionals[0] === 'profile') {
    await benchProfile({ instances: Number(values.instances ?? 400), seconds: Number(values.seconds) });
    return 0;
  }
  if (positionals[0] === 'functions') {
    await benchFunctions({ only: values.only });
    return 0;
  }
  if (positionals[0] !== 'dicomweb') {
    console.error(
      'usage: npm run bench -- dicomweb [--instances 2000] [--requests 200] [--repeats 3]\n       npm run bench -- profile [--instances 400] [--seconds 10]\n       npm run bench -- export [--megabytes 1024]\n       npm run bench -- functions [--only search]',
    );
    return 2;
  }
  await benchDicomweb({
    instances: Number(values.instances ?? 2000),
    requests: Number(values.requests),
    repeats: Math.max(1, Number(values.repeats)),
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
