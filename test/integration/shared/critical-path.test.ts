import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HandlerCallProfile } from '../../../scripts/local/aws-call-trace';
import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';
import { open } from '../../support/upload-session-client';

let org: TestOrganization;
const ids = { study: testUid(), series: testUid(), sop: testUid() };

beforeAll(async () => {
  org = await freshOrganization('critical-path');
  const file = ctInstance({
    studyInstanceUid: ids.study,
    seriesInstanceUid: ids.series,
    sopInstanceUid: ids.sop,
  });
  expect((await stow(org.users.technologist.accessToken, [file])).status).toBe(200);
}, 60_000);

/** The stack writes its profile every second; read it once it includes what was just asked. */
async function profileOf(routeId: string, invocations: number): Promise<HandlerCallProfile> {
  const file = process.env.PACSCRIBE_AWS_CALL_PROFILE as string;
  const deadline = Date.now() + 5_000;
  for (;;) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, HandlerCallProfile>;
    const entry = profile[routeId];
    if (entry && entry.invocations >= invocations) return entry;
    if (Date.now() > deadline) throw new Error(`no profile for ${routeId}`);
    await sleep(250);
  }
}

describe('AWS calls on the critical path of each DICOMweb read (the local stack traces them)', () => {
  const base = `/dicomweb/studies/${ids.study}`;
  /**
   * Sequential round trips per request, a budget no change may exceed (issue 12): the membership read
   * beside the index or metadata read, then the audit write — beside the S3 read for pixel data.
   */
  const BUDGET: Record<string, number> = {
    searchStudies: 2,
    searchSeries: 2,
    retrieveSeriesMetadata: 2,
    retrieveInstanceMetadata: 2,
    retrieveFrames: 2,
    retrieveInstance: 2,
    retrieveRenderedFrames: 2,
    retrieveInstanceThumbnail: 2,
  };
  const reads = [
    { routeId: 'searchStudies', path: `/dicomweb/studies?StudyInstanceUID=${ids.study}` },
    { routeId: 'searchSeries', path: `${base}/series` },
    { routeId: 'retrieveSeriesMetadata', path: `${base}/series/${ids.series}/metadata` },
    {
      routeId: 'retrieveInstanceMetadata',
      path: `${base}/series/${ids.series}/instances/${ids.sop}/metadata`,
    },
    { routeId: 'retrieveFrames', path: `${base}/series/${ids.series}/instances/${ids.sop}/frames/1` },
    { routeId: 'retrieveInstance', path: `${base}/series/${ids.series}/instances/${ids.sop}` },
    {
      routeId: 'retrieveRenderedFrames',
      path: `${base}/series/${ids.series}/instances/${ids.sop}/frames/1/rendered`,
    },
    {
      routeId: 'retrieveInstanceThumbnail',
      path: `${base}/series/${ids.series}/instances/${ids.sop}/thumbnail`,
    },
  ];

  it('keeps each read within its budget of sequential round trips', async () => {
    const token = org.users.radiologist.accessToken;
    const rows: string[] = [];
    for (const { routeId, path } of reads) {
      const before =
        JSON.parse(readFileSync(process.env.PACSCRIBE_AWS_CALL_PROFILE as string, 'utf8'))[routeId]
          ?.invocations ?? 0;
      for (let n = 0; n < 3; n += 1) {
        const response = await callApi('GET', path, {
          token,
          headers: {
            accept:
              routeId === 'retrieveFrames' ? 'multipart/related; type="application/octet-stream"' : '*/*',
          },
        });
        expect(response.status).toBe(200);
      }
      const profile = await profileOf(routeId, before + 3);
      rows.push(
        `${routeId}: ${profile.calls} calls, ${profile.sequential} sequential (min ${profile.minSequential}, max ${profile.maxSequential}) ${JSON.stringify(profile.byService)}`,
      );
      // The membership read and the audit write at least. The fewest in sequence is the path when nothing
      // contends: other suites running beside this one can make an audit append retry, or a report queue.
      expect(profile.calls).toBeGreaterThanOrEqual(2);
      expect(profile.minSequential).toBeLessThanOrEqual(BUDGET[routeId] as number);
    }
    console.log(rows.join('\n'));
  });

  it('stores an instance in at most 5 sequential round trips, reading the index in one request', async () => {
    const earlier: HandlerCallProfile | undefined = JSON.parse(
      readFileSync(process.env.PACSCRIBE_AWS_CALL_PROFILE as string, 'utf8'),
    ).storeInstances;
    const before = earlier?.invocations ?? 0;
    // Each into a new series of the stored study: the resend check, the study and the series are read.
    for (let n = 0; n < 3; n += 1) {
      const file = ctInstance({
        studyInstanceUid: ids.study,
        seriesInstanceUid: testUid(),
        sopInstanceUid: testUid(),
      });
      expect((await stow(org.users.technologist.accessToken, [file])).status).toBe(200);
    }
    const profile = await profileOf('storeInstances', before + 3);
    console.log(`storeInstances: ${JSON.stringify(profile)}`);
    // The membership read beside the subscription's standing (the organization is known from the first
    // store), the index's one batch read, the object (only once the read allows it), the index write, the
    // audit record.
    expect(profile.minSequential).toBeLessThanOrEqual(5);
    // One index read, not three: 1 batch read + 1 transaction, with membership, standing and audit 5.
    const dynamodbCalls = (profile.sums.byService.dynamodb ?? 0) - (earlier?.sums.byService.dynamodb ?? 0);
    expect(dynamodbCalls / 3).toBeLessThanOrEqual(6);
  });

  it('retrieves a series of 10 instances in 4 sequential round trips, not 11: storage reads run ahead', async () => {
    const series = testUid();
    const files = Array.from({ length: 10 }, (_, at) =>
      ctInstance({
        studyInstanceUid: ids.study,
        seriesInstanceUid: series,
        extra: { InstanceNumber: String(at + 1) },
      }),
    );
    expect((await stow(org.users.technologist.accessToken, files)).status).toBe(200);
    const profileFile = process.env.PACSCRIBE_AWS_CALL_PROFILE as string;
    const before: HandlerCallProfile | undefined = JSON.parse(
      readFileSync(profileFile, 'utf8'),
    ).retrieveSeries;
    for (let n = 0; n < 3; n += 1) {
      const response = await callApi('GET', `/dicomweb/studies/${ids.study}/series/${series}`, {
        token: org.users.radiologist.accessToken,
        headers: { accept: 'multipart/related; type="application/dicom"' },
      });
      expect(response.status).toBe(200);
    }
    const after = await profileOf('retrieveSeries', (before?.invocations ?? 0) + 3);
    // These three requests alone: the sums' difference (other suites may retrieve other series).
    const s3Reads = (after.sums.byService.s3 ?? 0) - (before?.sums.byService.s3 ?? 0);
    const sequential = (after.sums.sequential - (before?.sums.sequential ?? 0)) / 3;
    console.log(`retrieveSeries of 10: ${s3Reads / 3} S3 reads, ${sequential} sequential round trips`);
    // Every object read once. One at a time that was 1 + 10 rounds after the membership and index reads;
    // now the audit record beside the first 5 objects, then the next 4, then the last: 4 with the first
    // round, and a retried audit append (other suites write beside this one) may add one.
    expect(s3Reads).toBe(30);
    expect(sequential).toBeLessThanOrEqual(5);
  });

  it('answers an upload session’s status, polled during ingest, in 2 sequential round trips', async () => {
    const token = org.users.technologist.accessToken;
    const opened = await open(token, { totalBytes: 12 * 1024 * 1024, contentType: 'application/dicom' });
    expect(opened.status).toBe(201);
    const { sessionId } = opened.json() as { sessionId: string };
    const profileFile = process.env.PACSCRIBE_AWS_CALL_PROFILE as string;
    const before: HandlerCallProfile | undefined = JSON.parse(
      readFileSync(profileFile, 'utf8'),
    ).getUploadSession;
    // The first request of a caller on an instance reads the membership first; the next ones read beside it.
    for (let n = 0; n < 4; n += 1) {
      expect((await callApi('GET', `/dicomweb/upload-sessions/${sessionId}`, { token })).status).toBe(200);
    }
    const after = await profileOf('getUploadSession', (before?.invocations ?? 0) + 4);
    console.log(`getUploadSession: ${JSON.stringify(after)}`);
    // The membership beside the session's record, then the audit record (3 one after another before).
    expect(after.minSequential).toBeLessThanOrEqual(2);
  });
});
