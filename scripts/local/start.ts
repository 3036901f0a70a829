import path from 'node:path';
import { PROJECT_ROOT } from './lambda-registry';
import { startLocalStack } from './stack';

/**
 * `npm start [-- --reset] [-- --data-dir DIR] [-- --ephemeral-ports]`: the whole of PACScribe on this
 * machine, in one process with its stand-ins' child processes, until Ctrl-C.
 */
async function main() {
  // tsx turns source maps on; with them, the first Error whose stack is read (bluebird reads one as it
  // loads) makes Node parse every map on the stack, some 300 MB held for the life of the process.
  process.setSourceMapsEnabled(false);
  const args = process.argv.slice(2);
  const dataDirIndex = args.indexOf('--data-dir');
  const dataDir =
    dataDirIndex >= 0 && args[dataDirIndex + 1]
      ? path.resolve(args[dataDirIndex + 1] ?? '')
      : path.join(PROJECT_ROOT, '.pacscribe');
  const startedAt = Date.now();
  const { config, stop } = await startLocalStack({
    dataDir,
    reset: args.includes('--reset'),
    fixedPorts: !args.includes('--ephemeral-ports'),
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping PACScribe…');
    await stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  console.log(`PACScribe is ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  console.log(`  Console        ${config.apiUrl}/console/`);
  console.log(`  API            ${config.apiUrl}   (CA certificate: ${config.caCertPath})`);
  console.log(`  OpenAPI        ${config.apiUrl}/v1/openapi.json`);
  console.log(`  Mail inbox     ${config.sesInboxUrl}`);
  console.log(
    `  Cognito        ${config.cognito.endpoint}  pool ${config.cognito.userPoolId}  client ${config.cognito.clientId}`,
  );
  console.log(`  Settings       ${path.join(dataDir, 'local.json')}`);
  console.log('  Demo users (passwords are in local.json):');
  for (const user of config.users) {
    console.log(`    ${user.kind.padEnd(8)} ${user.role.padEnd(17)} ${user.email}`);
  }
  console.log('Ctrl-C stops; `npm start -- --reset` starts from empty data.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
