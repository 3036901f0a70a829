import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { instanceMetadata } from '../../functions/imaging/core/metadata';
import { readPart10 } from '../../functions/imaging/core/part10';
import { pixelModuleOf } from '../../functions/imaging/core/rendering/pixel-module';
import type { RenderOptions } from '../../functions/imaging/core/rendering/render-options';
import type { RecordedInvocations } from '../local/aws-call-trace';
import { loadBundle, localBundle } from '../local/local-bundle';
import { type ImageRenderer, imageRenderer } from './ceiling-image-renderer';
import { type CollectorTrace, collectorTraceFor } from './collector-trace';
import type { RunningServer } from './servers';
import { type StandInEndpoints, standInRecipes } from './stand-in-ceiling';

/**
 * The stand-ins' ceiling with the gateway's hop (issue 12). Locally, the stack's HTTPS listener stands in
 * for API Gateway, which terminates TLS in AWS before a function runs; the plain ceiling
 * (stand-in-ceiling.ts) leaves that hop out, so even a PACScribe that did nothing of its own would stay
 * below it. This is the least any server could do per request on the same machine: a bare Node HTTPS
 * server in its own process, with the stack's certificate and TLS floor, that runs a row's stand-in
 * operations and answers with as many bytes as PACScribe's response to that row (object bytes streamed
 * from s3rver as they arrive). No routing, token check, validation, JSON building or audit record
 * making: all of that is what "PACScribe's own overhead" measures against it.
 */
export interface GatewayCeilingConfig {
  standIns: StandInEndpoints;
  /** PEM files of the stack's certificate and key. */
  certPath: string;
  keyPath: string;
  /** A file holding the object STOW writes: a file of the data set, whose pixel module rendered rows use. */
  objectPath: string;
  /** A file holding the read rows' recorded requests (RecordedInvocations), which the recipes replay. */
  recordedPath: string;
}

/**
 * What the gateway ceiling answers a request with: the row's object reads streamed (or, for a row without
 * any, `responseBytes` of filler); or, for rendered images, the frame read rendered as PACScribe renders
 * it with these options.
 */
export type CeilingAnswer = 'stream-objects' | { render: RenderOptions };

/** The path and query the bench's client asks the gateway ceiling for one request of a row. */
export const gatewayCeilingPath = (
  label: string,
  index: number,
  responseBytes: number,
  answer: CeilingAnswer = 'stream-objects',
) =>
  `/${encodeURIComponent(label)}?i=${index}&bytes=${Math.round(responseBytes)}${
    answer === 'stream-objects' ? '' : `&render=${encodeURIComponent(JSON.stringify(answer.render))}`
  }`;

/** What a request asked of its answer (see gatewayCeilingPath). */
export function ceilingAnswerOf(url: URL): CeilingAnswer {
  const render = url.searchParams.get('render');
  return render === null ? 'stream-objects' : { render: JSON.parse(render) as RenderOptions };
}

/**
 * A rendered row's work past its stand-in reads, as PACScribe's rendering does it for a native frame
 * (ceiling-image-renderer.ts), the pixel module taken once from a file of the data set (every file of it
 * has the same). PACScribe's own share is what it adds: routing, the token, the index records' parsing,
 * the frame's digest check, the audit record.
 */
export function ceilingRenderer(
  dataSetFile: Buffer,
  renderer: typeof imageRenderer = imageRenderer,
): ImageRenderer {
  const file = readPart10(dataSetFile);
  const module = pixelModuleOf(instanceMetadata(file));
  if (file.layout.pixelData?.encapsulated !== false || module.samplesPerPixel !== 1) {
    throw new Error("The gateway ceiling renders the data set's native greyscale frames only.");
  }
  return renderer(module);
}

/**
 * ceiling-image-renderer.ts bundled as the local stack bundles its handlers (local-bundle.ts), so the
 * ceiling's rendering runs the code the stack's does, the same way: run through tsx instead, the same
 * rendering took 10–35 % more CPU.
 */
export async function bundledImageRenderer(): Promise<typeof imageRenderer> {
  const loaded = await loadBundle<{ imageRenderer: typeof imageRenderer }>('ceiling-renderer', () =>
    localBundle({ entryPoints: [path.join(__dirname, 'ceiling-image-renderer.ts')] }),
  );
  return loaded.imageRenderer;
}

/** Collects what a recipe streams, for the renderer. */
function collector() {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}

/** The server, run in its own process (this file's entry point), as the local stack runs in its own. */
async function serve(configFile: string) {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as GatewayCeilingConfig;
  const { recipes } = await standInRecipes(
    config.standIns,
    readFileSync(config.objectPath),
    JSON.parse(readFileSync(config.recordedPath, 'utf8')) as RecordedInvocations,
  );
  const render = ceilingRenderer(readFileSync(config.objectPath), await bundledImageRenderer());
  // Filler for answers that are not object bytes; the largest is a 100-study search.
  const filler = Buffer.alloc(4 * 1024 * 1024, 0x20);
  const server = https.createServer(
    { key: readFileSync(config.keyPath), cert: readFileSync(config.certPath), minVersion: 'TLSv1.2' },
    (request, response) => {
      const url = new URL(request.url ?? '/', 'https://localhost');
      const recipe = recipes[decodeURIComponent(url.pathname.slice(1))]?.recipe;
      const index = Number(url.searchParams.get('i') ?? 0);
      const bytes = Number(url.searchParams.get('bytes') ?? 0);
      // The request body is read whole, as the stack reads it before invoking a function.
      request.resume();
      request.on('end', () => {
        if (!recipe) {
          response.writeHead(404).end();
          return;
        }
        // Larger than the filler: refused, so the benchmark stops rather than compare a shorter answer.
        if (!(bytes >= 0 && bytes <= filler.length)) {
          response.writeHead(413).end();
          return;
        }
        const answer = ceilingAnswerOf(url);
        const failed = (error: unknown) => {
          console.error(error);
          response.destroy();
        };
        if (typeof answer === 'object') {
          const frame = collector();
          recipe(index, frame.sink)
            .then(() => render(frame.bytes(), answer.render))
            .then((image) => response.end(image), failed);
          return;
        }
        recipe(index, response).then(
          () => (response.headersSent ? response.end() : response.end(filler.subarray(0, bytes))),
          failed,
        );
      });
    },
  );
  server.keepAliveTimeout = 65_000;
  // An orderly exit, so Node writes a CPU profile it was asked for.
  process.once('SIGTERM', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(`gateway ceiling ready ${typeof address === 'object' ? address?.port : address}`);
  });
}

/** Starts the gateway ceiling's server in its own Node process and waits until it listens. */
export async function startGatewayCeiling(
  config: Omit<GatewayCeilingConfig, 'objectPath' | 'keyPath'> & { object: Buffer },
  /** Node's own flags for the server's process (the profile's CPU sampling). */
  nodeArgs: readonly string[] = [],
): Promise<RunningServer & { collector?: CollectorTrace }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-gateway-ceiling-'));
  const objectPath = path.join(dir, 'object.dcm');
  writeFileSync(objectPath, config.object);
  const configFile = path.join(dir, 'config.json');
  const { object: _object, ...rest } = config;
  const serverConfig: GatewayCeilingConfig = {
    ...rest,
    objectPath,
    keyPath: path.join(path.dirname(config.certPath), 'localhost.key'),
  };
  writeFileSync(configFile, JSON.stringify(serverConfig));
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', __filename, configFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const collector = collectorTraceFor(nodeArgs);
  const port = await new Promise<number>((resolve, reject) => {
    let output: string | undefined = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      collector?.feed(chunk);
      // Only the start's output is looked at (a collector's lines follow it all the run).
      if (output === undefined) return;
      output += chunk;
      const ready = /gateway ceiling ready (\d+)/.exec(output);
      if (ready) {
        resolve(Number(ready[1]));
        output = undefined;
      }
    });
    child.once('exit', (code) => reject(new Error(`the gateway ceiling exited (${code})`)));
  });
  return {
    name: 'Stand-ins + gateway hop',
    baseUrl: `https://localhost:${port}`,
    pids: () => [child.pid ?? 0].filter(Boolean),
    ...(collector ? { collector } : {}),
    stop: () =>
      new Promise<void>((resolve) => {
        rmSync(dir, { recursive: true, force: true });
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

if (require.main === module) {
  serve(process.argv[2] as string).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
