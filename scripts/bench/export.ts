import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ctInstance, testUid } from '../../test/support/dicom-files';
import { LOCAL_EXPORTS_BUCKET } from '../local/bootstrap';
import type { LocalConfig } from '../local/stack';
import { localSignIn, peakMemoryMiB, resetPeakMemory, startPacscribe } from './servers';

const BOUNDARY = 'bench-export-boundary';
const INSTANCE_BYTES = 512 * 512 * 2;
const PER_STUDY = 50;

interface Api {
  call(
    method: string,
    route: string,
    token: string,
    options?: { body?: Buffer; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Buffer }>;
}

function api(config: LocalConfig): Api {
  const agent = new Agent({ ca: readFileSync(config.caCertPath), keepAlive: true, maxSockets: 16 });
  return {
    call: (method, route, token, options = {}) =>
      new Promise((resolve, reject) => {
        const outgoing = request(
          `${config.apiUrl}${route}`,
          { method, agent, headers: { authorization: `Bearer ${token}`, ...options.headers } },
          (incoming) => {
            const chunks: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
            incoming.on('end', () =>
              resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks) }),
            );
          },
        );
        outgoing.on('error', reject);
        if (options.body) outgoing.write(options.body);
        outgoing.end();
      }),
  };
}

const tokenOf = (config: LocalConfig, user: { email: string; password: string }) =>
  localSignIn(config.cognito, user);

/** Generates and stores `count` 512×512 CT instances, 50 per study, at concurrency 8; never all in memory. */
async function generateOrganization(client: Api, token: string, count: number) {
  let next = 0;
  let stored = 0;
  const studies = Array.from({ length: Math.ceil(count / PER_STUDY) }, () => testUid());
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const index = next++;
        const file = ctInstance({
          studyInstanceUid: studies[Math.floor(index / PER_STUDY)],
          patientId: `EXPORT-BENCH-${Math.floor(index / (PER_STUDY * 4))}`,
          patientName: `Bench^Export${Math.floor(index / (PER_STUDY * 4))}`,
          rows: 512,
          columns: 512,
          extra: { InstanceNumber: String((index % PER_STUDY) + 1) },
        });
        const body = Buffer.concat([
          Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`),
          file,
          Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
        ]);
        const response = await client.call('POST', '/dicomweb/studies', token, {
          body,
          headers: {
            'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
            accept: 'application/dicom+json',
          },
        });
        if (response.status !== 200) throw new Error(`STOW answered ${response.status}`);
        stored += file.length;
      }
    }),
  );
  return stored;
}

/**
 * The peer: the same objects read one after another from the imaging bucket and written as one
 * multipart upload to the exports bucket, with the same client library and part size the export uses.
 */
async function plainCopy(s3: S3Client, bucket: string) {
  const keys: { key: string; size: number }[] = [];
  // ListObjects (v1) with markers: s3rver fails ListObjectsV2 continuation past the first page.
  let marker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Marker: marker }));
    const contents = page.Contents ?? [];
    for (const object of contents) {
      if (object.Key && !object.Key.startsWith('uploads/'))
        keys.push({ key: object.Key, size: object.Size ?? 0 });
    }
    if (!page.IsTruncated || contents.length === 0) break;
    marker = contents.at(-1)?.Key;
  }
  const started = performance.now();
  async function* objects() {
    for (const { key } of keys) {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      for await (const chunk of Body as AsyncIterable<Uint8Array>) yield chunk;
    }
  }
  const { Readable } = await import('node:stream');
  await new Upload({
    client: s3,
    params: { Bucket: LOCAL_EXPORTS_BUCKET, Key: 'bench/plain-copy.bin', Body: Readable.from(objects()) },
    partSize: 16 * 1024 * 1024,
    queueSize: 2,
  }).done();
  return {
    seconds: (performance.now() - started) / 1000,
    bytes: keys.reduce((sum, { size }) => sum + size, 0),
  };
}

/** Every entry of a downloaded part against its manifest, with Python's zipfile (an independent reader). */
function verifyPart(file: string) {
  const script = `
import hashlib, json, sys, zipfile
archive = zipfile.ZipFile(sys.argv[1])
manifest = json.loads(archive.read('manifest.json'))
bad = 0
for entry in manifest['files']:
    data = archive.read(entry['path'])
    if hashlib.sha256(data).hexdigest() != entry['sha256'] or len(data) != entry['sizeBytes']:
        bad += 1
kinds = {}
for entry in manifest['files']:
    kinds[entry['kind']] = kinds.get(entry['kind'], 0) + 1
print(json.dumps({'files': len(manifest['files']), 'mismatches': bad, 'kinds': kinds, 'zip64': any(i.file_size > 0xFFFFFFFF for i in archive.infolist())}))
`;
  const result = spawnSync('python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`zip verification failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { files: number; mismatches: number; kinds: Record<string, number> };
}

export async function benchExport(options: { megabytes: number }) {
  const count = Math.ceil((options.megabytes * 1024 * 1024) / INSTANCE_BYTES);
  const pacscribe = await startPacscribe();
  const config = pacscribe.config as unknown as LocalConfig;
  const out = mkdtempSync(path.join(tmpdir(), 'bench-export-'));
  const s3 = new S3Client({
    endpoint: config.endpoints.s3,
    region: config.region,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    // s3rver knows no flexible checksums (as the local stack's own clients are set up).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    const client = api(config);
    const technologist = config.users.find(
      (user) => user.kind === 'customer' && user.role === 'technologist',
    );
    const admin = config.users.find(
      (user) =>
        user.kind === 'customer' && user.role === 'administrator' && user.orgId === technologist?.orgId,
    );
    if (!technologist || !admin)
      throw new Error('no demo technologist and administrator of one organization');
    console.error(
      `Generating and storing ${count} CT instances of 512×512×16 bit (${options.megabytes} MB)…`,
    );
    const storing = performance.now();
    const stored = await generateOrganization(client, await tokenOf(config, technologist), count);
    const storeSeconds = (performance.now() - storing) / 1000;

    console.error('Plain copy of the same objects (the peer)…');
    const copy = await plainCopy(s3, config.imagingBucket);

    console.error('Export…');
    const token = await tokenOf(config, admin);
    const nodePid = pacscribe.pids().slice(0, 1);
    resetPeakMemory(nodePid);
    const started = performance.now();
    const start = await client.call('POST', '/v1/exports', token);
    if (start.status !== 202) throw new Error(`export answered ${start.status}: ${start.body}`);
    const exportId = JSON.parse(start.body.toString()).export.exportId as string;
    let current: {
      status: string;
      progress: { itemsTotal: number; bytesTotal: number };
      parts: { downloadUrl: string; sha256: string; sizeBytes: number }[];
    };
    for (;;) {
      await sleep(500);
      current = JSON.parse(
        (await client.call('GET', `/v1/exports/${exportId}`, token)).body.toString(),
      ).export;
      if (current.status !== 'running') break;
    }
    const exportSeconds = (performance.now() - started) / 1000;
    const peak = peakMemoryMiB(nodePid);
    if (current.status !== 'succeeded') throw new Error(`export ended ${current.status}`);

    console.error('Downloading and verifying the archive…');
    const verification = [];
    let archiveBytes = 0;
    for (const part of current.parts) {
      const issued = await client.call('GET', part.downloadUrl, token, {
        headers: { accept: 'application/json' },
      });
      const url = JSON.parse(issued.body.toString()).url as string;
      const file = path.join(out, `part-${verification.length + 1}.zip`);
      const hash = createHash('sha256');
      const incoming = await new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
        httpGet(url, resolve).on('error', reject),
      );
      incoming.on('data', (chunk: Buffer) => hash.update(chunk));
      await pipeline(incoming, createWriteStream(file));
      if (hash.digest('hex') !== part.sha256) throw new Error('downloaded part does not match its SHA-256');
      archiveBytes += part.sizeBytes;
      const verifyStarted = performance.now();
      verification.push({ ...verifyPart(file), seconds: (performance.now() - verifyStarted) / 1000 });
      rmSync(file);
    }

    const mb = (bytes: number) => bytes / 1e6;
    const exportRate = mb(current.progress.bytesTotal) / exportSeconds;
    const copyRate = mb(copy.bytes) / copy.seconds;
    const files = verification.reduce((sum, part) => sum + part.files, 0);
    const mismatches = verification.reduce((sum, part) => sum + part.mismatches, 0);
    const report = [
      `# Export benchmark (${new Date().toISOString().slice(0, 10)})`,
      '',
      `A generated organization of ${count} CT instances (512×512×16 bit, ${PER_STUDY} per study), ${mb(stored).toFixed(0)} MB of DICOM, stored in ${storeSeconds.toFixed(1)} s. Both runs read the same objects from the local S3 stand-in (s3rver) and write to it, in the same process tree, on this machine.`,
      '',
      '| | seconds | MB/s (DICOM bytes) | ratio |',
      '|---|---|---|---|',
      `| plain copy of the objects into one multipart upload (peer) | ${copy.seconds.toFixed(1)} | ${copyRate.toFixed(1)} | 1.00 |`,
      `| PACScribe export (verified reads, PNG of every frame, spreadsheets, manifest, Step Functions) | ${exportSeconds.toFixed(1)} | ${exportRate.toFixed(1)} | ${(exportRate / copyRate).toFixed(2)} |`,
      '',
      `Archive: ${current.parts.length} part(s), ${mb(archiveBytes).toFixed(0)} MB; ${files} files checked against manifest.json by Python's zipfile: ${mismatches} mismatches (${verification.map((part) => JSON.stringify(part.kinds)).join(', ')}); ${verification.reduce((sum, part) => sum + part.seconds, 0).toFixed(1)} s.`,
      '',
      `Peak resident memory of the local stack's Node process during the export: ${peak.toFixed(0)} MiB (the export worker shares it with the API router, the S3 stand-in and the other handlers; DynamoDB Local's JVM is not counted).`,
    ].join('\n');
    console.log(report);
    mkdirSync('reports', { recursive: true });
    writeFileSync('reports/bench-export.md', `${report}\n`);
  } finally {
    s3.destroy();
    rmSync(out, { recursive: true, force: true });
    await pacscribe.stop();
  }
}
