import { startLocalStack } from '/work/wt-mail/scripts/local/stack';
(async () => {
  const { config } = await startLocalStack({ dataDir: '/tmp/mail-local', reset: true, fixedPorts: false });
  console.log('READY', config.apiUrl);
})().catch((e) => { console.error('FAILED', e); process.exit(1); });
