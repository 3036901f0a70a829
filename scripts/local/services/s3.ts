import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

/** s3rver on disk under dataDir; credentials must be S3RVER/S3RVER (set by the local stack env). */
export async function startS3(dataDir: string, port: number, bucketNames: readonly string[]) {
  mkdirSync(dataDir, { recursive: true });
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    directory: dataDir,
    silent: true,
    configureBuckets: bucketNames.map((name) => ({ name, configs: [] })),
  });
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
}
