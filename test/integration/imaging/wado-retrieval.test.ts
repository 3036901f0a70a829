import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { readMultipartRelated } from '../../../functions/imaging/core/multipart-related';
import {
  ctInstance,
  fakeBitstream,
  multiFrameInstance,
  nativeFrame,
  testUid,
} from '../../support/dicom-files';
import { callApi, localConfig } from '../../support/local-client';
import { localImagingStorage } from '../../support/local-imaging';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { sopOf, stow } from '../../support/stow';

const ANY_SYNTAX = 'multipart/related; type="application/dicom"; transfer-syntax=*';
const OCTETS = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const VIEWER_ORIGIN = 'http://localhost:3000';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function stowAll(token: string, files: Buffer[]) {
  const response = await stow(token, files);
  if (response.status !== 200) throw new Error(`STOW failed: ${response.status} ${response.text}`);
}

interface Retrieved {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  /** The body ended cleanly; false when the server cut the transfer off. */
  complete: boolean;
}

/** A GET that also reports a transfer the server broke off, which callApi would wait on forever. */
function retrieve(path: string, token: string, headers: Record<string, string> = {}): Promise<Retrieved> {
  const config = localConfig();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${config.apiUrl}${path}`,
      {
        method: 'GET',
        headers: { authorization: `Bearer ${token}`, ...headers },
        ca: readFileSync(config.caCertPath),
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        let settled = false;
        const settle = (complete: boolean) => {
          if (settled) return;
          settled = true;
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            bytes: Buffer.concat(chunks),
            complete,
          });
        };
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => settle(true));
        incoming.on('error', () => settle(false));
        incoming.on('close', () => settle(incoming.complete));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const partsOf = (response: Retrieved, type: string) =>
  readMultipartRelated(response.bytes, String(response.headers['content-type']), type, {
    maxParts: 1000,
    maxPartBytes: 64 * 1024 * 1024,
    maxHeaderBytes: 8 * 1024,
  });

let org: TestOrganization;
let other: TestOrganization;
const study = testUid();
const ctSeries = testUid();
const nativeSeries = testUid();
const jpegSeries = testUid();
const patient = { patientId: 'PID-WADO-1', patientName: 'Frame^Fiona', studyDate: '20261110' };
const document = new Uint8Array(3000).map((_, index) => (index * 7) % 256);
const ct = [
  ctInstance({
    studyInstanceUid: study,
    seriesInstanceUid: ctSeries,
    ...patient,
    extra: { EncapsulatedDocument: document.buffer },
  }),
  ctInstance({ studyInstanceUid: study, seriesInstanceUid: ctSeries, ...patient }),
];
const native = multiFrameInstance({
  studyInstanceUid: study,
  seriesInstanceUid: nativeSeries,
  frames: 5,
  rows: 24,
  columns: 20,
  ...patient,
});
/** Even lengths: an odd bitstream is padded in the file, and the frame is its stored fragment. */
const bitstreams = [fakeBitstream(400, 1), fakeBitstream(250, 2), fakeBitstream(642, 3)];
const jpeg = multiFrameInstance({
  studyInstanceUid: study,
  seriesInstanceUid: jpegSeries,
  bitstreams,
  ...patient,
});
const studyFiles = [...ct, native, jpeg];
const instancePath = (series: string, file: Buffer) =>
  `/dicomweb/studies/${study}/series/${series}/instances/${sopOf(file)}`;

/** A series over Lambda's 6 MB buffered limit: four 2 MiB images, each sent in its own STOW request. */
const bigStudy = testUid();
const bigSeries = testUid();
const bigFiles = [0, 1, 2, 3].map(() =>
  ctInstance({
    studyInstanceUid: bigStudy,
    seriesInstanceUid: bigSeries,
    rows: 1024,
    columns: 1024,
    patientId: 'PID-WADO-2',
  }),
);

beforeAll(async () => {
  org = await freshOrganization('wado');
  other = await freshOrganization('wado-other');
  const token = org.users.technologist.accessToken;
  await stowAll(token, studyFiles);
  for (const file of bigFiles) await stowAll(token, [file]);
}, 180_000);

describe('WADO-RS retrieval over HTTPS', () => {
  it('retrieves a whole study, one verified part per instance, byte for byte', async () => {
    const response = await retrieve(`/dicomweb/studies/${study}`, org.users.clinician.accessToken, {
      accept: ANY_SYNTAX,
    });

    expect(response.status).toBe(200);
    expect(response.complete).toBe(true);
    expect(response.headers['content-type']).toMatch(
      /^multipart\/related; type="application\/dicom"; boundary=/,
    );
    const parts = partsOf(response, 'application/dicom');
    expect(parts.map((part) => sha(part.body)).sort()).toEqual(studyFiles.map(sha).sort());
  });

  it('retrieves one series, and answers 406 for a transfer syntax it cannot produce (lossy to lossless)', async () => {
    const token = org.users.radiologist.accessToken;
    const series = await retrieve(`/dicomweb/studies/${study}/series/${ctSeries}`, token);
    const transcode = await retrieve(`/dicomweb/studies/${study}/series/${jpegSeries}`, token, {
      accept: 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.80',
    });

    expect(
      partsOf(series, 'application/dicom')
        .map((part) => sha(part.body))
        .sort(),
    ).toEqual(ct.map(sha).sort());
    expect(transcode.status).toBe(406);
    expect(JSON.parse(transcode.bytes.toString()).error.code).toBe('not_acceptable');
  });

  it('streams a series larger than the 6 MB buffered limit, intact', async () => {
    const response = await retrieve(
      `/dicomweb/studies/${bigStudy}/series/${bigSeries}`,
      org.users.clinician.accessToken,
    );

    expect(response.status).toBe(200);
    expect(response.complete).toBe(true);
    expect(response.bytes.length).toBeGreaterThan(6 * 1024 * 1024);
    // Sent as it was read, not buffered into one body of known length.
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(
      partsOf(response, 'application/dicom')
        .map((part) => sha(part.body))
        .sort(),
    ).toEqual(bigFiles.map(sha).sort());
  });

  it('returns one instance metadata, whose BulkDataURIs lead to the exact stored values', async () => {
    const token = org.users.clinician.accessToken;
    const metadata = await callApi('GET', `${instancePath(ctSeries, ct[0] as Buffer)}/metadata`, { token });

    expect(metadata.status).toBe(200);
    expect(metadata.headers['content-type']).toContain('application/dicom+json');
    const [dataset] = metadata.json();
    expect(dataset['00080018'].Value).toEqual([sopOf(ct[0] as Buffer)]);
    // Absolute, under the service root the request used, so a viewer on another origin can follow it.
    const documentUrl = new URL(dataset['00420011'].BulkDataURI);
    const pixelUrl = new URL(dataset['7FE00010'].BulkDataURI);
    expect(documentUrl.origin).toBe(new URL(localConfig().apiUrl).origin);
    expect(documentUrl.pathname).toBe(`${instancePath(ctSeries, ct[0] as Buffer)}/bulkdata/00420011`);
    const documentUri = documentUrl.pathname;
    const pixelUri = pixelUrl.pathname;

    const multipart = await retrieve(documentUri, token);
    const single = await retrieve(documentUri, token, { accept: 'application/octet-stream' });
    const pixels = await retrieve(pixelUri, token, { accept: OCTETS });

    expect(partsOf(multipart, 'application/octet-stream').map((part) => part.body)).toEqual([
      Buffer.from(document),
    ]);
    expect(single.headers['content-type']).toBe('application/octet-stream');
    expect(single.bytes).toEqual(Buffer.from(document));
    expect(partsOf(pixels, 'application/octet-stream')[0]?.body.length).toBe(32 * 32 * 2);
  });

  it('serves native frames from a multi-frame image by ranged reads, in the order asked', async () => {
    const token = org.users.radiologist.accessToken;
    const response = await retrieve(`${instancePath(nativeSeries, native)}/frames/5,2`, token, {
      accept: OCTETS,
    });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/type="application\/octet-stream"/);
    expect(partsOf(response, 'application/octet-stream').map((part) => part.body)).toEqual([
      Buffer.from(nativeFrame(24, 20, 4)),
      Buffer.from(nativeFrame(24, 20, 1)),
    ]);
    expect(response.bytes.toString('latin1')).toContain(
      'Content-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1',
    );
  });

  it('serves compressed frames as their JPEG bitstreams, and pixel data bulk data frame by frame', async () => {
    const token = org.users.radiologist.accessToken;
    const frames = await retrieve(`${instancePath(jpegSeries, jpeg)}/frames/3,1`, token, {
      accept: 'multipart/related; type="image/jpeg"',
    });
    const pixelData = await retrieve(`${instancePath(jpegSeries, jpeg)}/bulkdata/7FE00010`, token);

    expect(frames.status).toBe(200);
    expect(partsOf(frames, 'image/jpeg').map((part) => part.body)).toEqual([
      Buffer.from(bitstreams[2] as Uint8Array),
      Buffer.from(bitstreams[0] as Uint8Array),
    ]);
    expect(frames.bytes.toString('latin1')).toContain(
      'Content-Type: image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50',
    );
    expect(partsOf(pixelData, 'image/jpeg').map((part) => part.body)).toEqual(
      bitstreams.map((b) => Buffer.from(b)),
    );
  });

  it('answers frames beyond the image 404, malformed or overlong frame lists 400', async () => {
    const token = org.users.radiologist.accessToken;
    const frames = (list: string) => retrieve(`${instancePath(nativeSeries, native)}/frames/${list}`, token);

    expect((await frames('6')).status).toBe(404);
    expect((await frames('1,6')).status).toBe(404);
    for (const list of ['0', '1,,2', 'x', '-1', Array.from({ length: 101 }, () => '1').join(',')]) {
      const response = await frames(list);
      expect({ list: list.slice(0, 12), status: response.status }).toEqual({
        list: list.slice(0, 12),
        status: 400,
      });
    }
  });

  it('[PP-18] never serves a corrupted object: 503 before streaming, a broken transfer once it started', async () => {
    const storage = localImagingStorage();
    try {
      const token = org.users.clinician.accessToken;
      // The second CT instance is also the second part of its series.
      const series = partsOf(
        await retrieve(`/dicomweb/studies/${study}/series/${ctSeries}`, token),
        'application/dicom',
      );
      const second = studyFiles.find((file) => sha(file) === sha(series[1]?.body as Buffer)) as Buffer;
      const key = await storage.objectKeyOf(org.orgId, study, sopOf(second));
      const corrupted = await storage.corrupt(key, 2000);

      const alone = await retrieve(instancePath(ctSeries, second), token);
      const inSeries = await retrieve(`/dicomweb/studies/${study}/series/${ctSeries}`, token);

      expect(alone.status).toBe(503);
      expect(JSON.parse(alone.bytes.toString()).error.code).toBe('dependency_unavailable');
      expect(inSeries.status).toBe(200);
      expect(inSeries.complete).toBe(false);
      expect(inSeries.bytes.includes(corrupted.subarray(1900, 2100))).toBe(false);
      expect(inSeries.bytes.toString('latin1')).not.toMatch(/--pacscribe-[0-9a-f-]+--/);
    } finally {
      storage.close();
    }
  });

  it('[PP-18] never serves a frame whose stored bytes changed', async () => {
    const storage = localImagingStorage();
    try {
      const token = org.users.clinician.accessToken;
      const key = await storage.objectKeyOf(org.orgId, study, sopOf(native));
      await storage.corrupt(key, native.length - 10);

      const lastFrame = await retrieve(`${instancePath(nativeSeries, native)}/frames/5`, token);
      const firstFrame = await retrieve(`${instancePath(nativeSeries, native)}/frames/1`, token);

      expect(lastFrame.status).toBe(503);
      expect(firstFrame.status).toBe(200);
      expect(partsOf(firstFrame, 'application/octet-stream')[0]?.body).toEqual(
        Buffer.from(nativeFrame(24, 20, 0)),
      );
    } finally {
      storage.close();
    }
  });

  it('[PP-07] another organization gets 404 for every retrieval, exactly as for a missing UID', async () => {
    const token = other.users.administrator.accessToken;
    const paths = [
      `/dicomweb/studies/${study}`,
      `/dicomweb/studies/${study}/series/${jpegSeries}`,
      instancePath(jpegSeries, jpeg),
      `${instancePath(jpegSeries, jpeg)}/metadata`,
      `${instancePath(jpegSeries, jpeg)}/frames/1`,
      `${instancePath(jpegSeries, jpeg)}/bulkdata/7FE00010`,
    ];
    for (const path of paths) {
      const foreign = await retrieve(path, token);
      const missing = await retrieve(path.replace(study, testUid()), token);
      const shape = (response: Retrieved) => {
        const { code, message } = JSON.parse(response.bytes.toString()).error;
        return { status: response.status, code, message };
      };
      expect({ path, ...shape(foreign) }).toEqual({ path, ...shape(missing) });
      expect(foreign.status).toBe(404);
    }
  });

  it('lets the configured browser viewer read responses and errors, and answers its preflight', async () => {
    const token = org.users.clinician.accessToken;
    const headers = { origin: VIEWER_ORIGIN };
    const found = await retrieve(`${instancePath(nativeSeries, native)}/frames/1`, token, headers);
    const missing = await retrieve(`/dicomweb/studies/${testUid()}`, token, headers);
    const stranger = await retrieve(`${instancePath(nativeSeries, native)}/frames/1`, token, {
      origin: 'https://elsewhere.example',
    });
    const preflight = await callApi('OPTIONS', `${instancePath(nativeSeries, native)}/frames/1`, {
      headers: { origin: VIEWER_ORIGIN, 'access-control-request-method': 'GET' },
    });

    for (const response of [found, missing]) {
      expect(response.headers['access-control-allow-origin']).toBe(VIEWER_ORIGIN);
      expect(response.headers['access-control-expose-headers']).toBe('Warning, Content-Type, Content-Length');
    }
    expect(missing.status).toBe(404);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(VIEWER_ORIGIN);
    expect(preflight.headers['access-control-allow-headers']).toBe('Authorization,Content-Type,Accept');
  });

  it('[PP-18] audits each retrieval with the study, series, instance and patient it touched', async () => {
    const events = await callApi('GET', `/v1/audit-events?studyUid=${study}&limit=1000`, {
      token: org.users.administrator.accessToken,
    });

    const records: {
      event: string;
      route: string;
      httpStatus: number;
      objects: { type: string; id: string }[];
    }[] = events.json().events;
    const frames = records.find(
      (record) => record.route.endsWith('/frames/{frameList}') && record.httpStatus === 200,
    );
    const whole = records.find(
      (record) => record.route === 'GET /dicomweb/studies/{study}' && record.httpStatus === 200,
    );
    const metadata = records.find((record) => record.route.endsWith('/{instance}/metadata'));
    expect(frames).toMatchObject({ event: 'instances-retrieved' });
    expect(frames?.objects).toEqual(
      expect.arrayContaining([
        { type: 'study', id: study },
        { type: 'series', id: nativeSeries },
        { type: 'instance', id: sopOf(native) },
        { type: 'patient', id: 'PID-WADO-1' },
      ]),
    );
    expect(whole?.objects).toEqual(
      expect.arrayContaining([
        { type: 'series', id: ctSeries },
        { type: 'series', id: jpegSeries },
        { type: 'patient', id: 'PID-WADO-1' },
      ]),
    );
    expect(metadata).toMatchObject({ event: 'metadata-retrieved' });
    expect(metadata?.objects).toEqual(expect.arrayContaining([{ type: 'patient', id: 'PID-WADO-1' }]));
  });
});
