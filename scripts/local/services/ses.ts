import sesLocal from 'aws-ses-v2-local';

/** aws-ses-v2-local: SES v1/v2 APIs; inbox at / and JSON at /store. Mail is kept in memory only. */
export async function startSes(port: number) {
  const start = (sesLocal as unknown as { default?: typeof sesLocal }).default ?? sesLocal;
  const server = await start({ host: '127.0.0.1', port });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    inboxUrl: `${endpoint}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
