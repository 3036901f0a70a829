import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** `npm run audit:verify -- --org ORG` against the test run's local stack, as an operator runs it. */
export const runAuditVerify = (orgId: string) =>
  spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/audit-cli.ts',
      'verify',
      '--org',
      orgId,
      '--data-dir',
      path.dirname(String(process.env.PACSCRIBE_LOCAL_CONFIG)),
    ],
    {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    },
  );
