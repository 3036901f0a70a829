import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMultipartRelated } from '../../../functions/imaging/core/multipart-related';
import { ctInstance, testUid } from '../../support/dicom-files';
import { type ApiResponse, callApi, localConfig } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { STOW_CONTENT_TYPE, stowBody } from '../../support/stow';
import {
  type Created,
  complete,
  open,
  putParts,
  untilFinished,
  uploadThroughSession,
} from '../../support/upload-session-client';

const MiB = 1024 * 1024;

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const uidOf = (file: Buffer) => /(2\.25\.\d+)/.exec(file.subarray(132, 400).toString('latin1'))?.[1] ?? '';

let org: TestOrganization;
let other: TestOrganization;
beforeAll(async () => {
  org = await freshOrganization('uploads');
  other = await freshOrganization('uploads-other');
});

describe('STOW upload sessions over HTTPS', () => {
  const study = testUid();
  const seriesA = testUid();
  const seriesB = testUid();
  /** Twelve 512×512 CT slices in two series: about 6 MiB, more than one STOW-RS request takes. */
  const files = Array.from({ length: 12 }, (_slice, index) =>
    ctInstance({
      studyInstanceUid: study,
      seriesInstanceUid: index < 6 ? seriesA : seriesB,
      patientId: 'PID-UPLOAD-1',
      patientName: 'Upload^Ursula',
      rows: 512,
      columns: 512,
    }),
  );
  const body = stowBody(files);
  let sessionId = '';

  it('uploads a >4 MiB multi-instance body through presigned part URLs and ingests it asynchronously', async () => {
    const token = org.users.technologist.accessToken;
    expect(body.length).toBeGreaterThan(4 * MiB);
    const opened = await open(token, {
      totalBytes: body.length,
      contentType: STOW_CONTENT_TYPE,
      studyInstanceUid: study,
      partSizeBytes: 5 * MiB,
    });
    expect(opened.status).toBe(201);
    const created = opened.json() as Created;
    sessionId = created.sessionId;
    expect(created.status).toBe('awaiting-upload');
    expect(created.upload.parts.map((part) => part.sizeBytes)).toEqual([5 * MiB, body.length - 5 * MiB]);
    for (const part of created.upload.parts) {
      // Straight to the S3 stand-in, under a random key: no UID, patient or organization in the URL.
      expect(
        part.url.startsWith(`${localConfig().endpoints.s3}/${localConfig().imagingBucket}/uploads/`),
      ).toBe(true);
      expect(part.url).not.toContain(study);
      expect(part.url).not.toContain('PID-UPLOAD-1');
      expect(part.url).not.toContain(org.orgId);
    }

    const completed = await complete(token, sessionId, await putParts(created, body));
    expect(completed.status).toBe(202);
    expect(completed.json().status).toBe('ingesting');

    const finished = (await untilFinished(token, sessionId)).json();
    expect(finished).toMatchObject({ status: 'completed', counts: { stored: 12, failed: 0 }, error: null });
    expect(finished.storeResponse['00081199'].Value).toHaveLength(12);
    expect(finished.storeResponse['00081198']).toBeUndefined();
  });

  it('QIDO-RS and WADO-RS then find the instances, byte for byte', async () => {
    const token = org.users.clinician.accessToken;
    const search = await callApi('GET', `/dicomweb/studies?StudyInstanceUID=${study}`, { token });
    const series = await callApi('GET', `/dicomweb/studies/${study}/series/${seriesB}/instances`, { token });
    const file = files[7] as Buffer;
    const retrieved = await callApi(
      'GET',
      `/dicomweb/studies/${study}/series/${seriesB}/instances/${uidOf(file)}`,
      { token },
    );

    const [match] = search.json();
    expect(match['00201208'].Value).toEqual([12]);
    expect(match['00201206'].Value).toEqual([2]);
    expect(series.json()).toHaveLength(6);
    expect(retrieved.status).toBe(200);
    const [part] = readMultipartRelated(
      retrieved.bytes,
      String(retrieved.headers['content-type']),
      'application/dicom',
    );
    expect(sha(part?.body as Buffer)).toBe(sha(file));
  });

  it('[PP-06] status is readable with view; opening a session needs upload', async () => {
    const clinician = org.users.clinician.accessToken;

    const status = await callApi('GET', `/dicomweb/upload-sessions/${sessionId}`, { token: clinician });
    const refused = await open(clinician, { totalBytes: 10 * MiB, contentType: STOW_CONTENT_TYPE });

    expect(status.status).toBe(200);
    expect(refused.status).toBe(403);
  });

  it('a hostile file inside a session gets its failure reason and no index entry', async () => {
    const token = org.users.technologist.accessToken;
    const hostileStudy = testUid();
    const hostileSeries = testUid();
    const hostileUid = testUid();
    const polyglot = ctInstance({
      studyInstanceUid: hostileStudy,
      seriesInstanceUid: hostileSeries,
      sopInstanceUid: hostileUid,
    });
    const hostile = Buffer.concat([Buffer.from('MZ'), polyglot.subarray(2)]);
    const good = ctInstance();

    const { created, completed } = await uploadThroughSession(token, stowBody([good, hostile]));
    expect(completed.status).toBe(202);
    const finished = (await untilFinished(token, created.sessionId)).json();

    expect(finished).toMatchObject({ status: 'completed-with-failures', counts: { stored: 1, failed: 1 } });
    expect(finished.failures).toEqual([
      {
        sopInstanceUid: null,
        failureReason: 0xc000,
        message: 'The file preamble holds an executable header.',
      },
    ]);
    expect(finished.storeResponse['00081198'].Value).toEqual([
      expect.objectContaining({ '00081197': { vr: 'US', Value: [0xc000] } }),
    ]);
    const lookup = await callApi(
      'GET',
      `/dicomweb/studies/${hostileStudy}/series/${hostileSeries}/instances/${hostileUid}`,
      { token: org.users.clinician.accessToken },
    );
    const search = await callApi('GET', `/dicomweb/studies?StudyInstanceUID=${hostileStudy}`, {
      token: org.users.clinician.accessToken,
    });
    expect(lookup.status).toBe(404);
    expect(search.json()).toEqual([]);
  });

  it('completing twice ingests once', async () => {
    const token = org.users.technologist.accessToken;
    const twiceStudy = testUid();
    const twice = [
      ctInstance({ studyInstanceUid: twiceStudy }),
      ctInstance({ studyInstanceUid: twiceStudy }),
    ];
    const { created, parts, completed } = await uploadThroughSession(token, stowBody(twice));
    const again = await complete(token, created.sessionId, parts);
    const finished = (await untilFinished(token, created.sessionId)).json();
    const late = await complete(token, created.sessionId, parts);

    expect([completed.status, again.status, late.status]).toEqual([202, 202, 202]);
    expect(late.json().status).toBe('completed');
    expect(finished.counts).toEqual({ stored: 2, failed: 0 });
    await sleep(500);
    // One 'instances-stored' record per instance: nothing was ingested a second time.
    const events = await callApi('GET', `/v1/audit-events?studyUid=${twiceStudy}&limit=1000`, {
      token: org.users.administrator.accessToken,
    });
    const stored = events
      .json()
      .events.filter((event: { event: string }) => event.event === 'instances-stored');
    expect(stored).toHaveLength(2);
  });

  it('[PP-07] another organization cannot read, complete or abort the session: 404 exactly like a missing one', async () => {
    const token = other.users.administrator.accessToken;
    const { created, parts } = await (async () => {
      const opened = await open(org.users.technologist.accessToken, {
        totalBytes: stowBody([ctInstance()]).length,
        contentType: STOW_CONTENT_TYPE,
      });
      const session = opened.json() as Created;
      return { created: session, parts: await putParts(session, stowBody([ctInstance()])) };
    })();
    const shape = (response: ApiResponse) => ({
      status: response.status,
      code: response.json().error?.code,
      message: response.json().error?.message,
    });

    for (const id of [created.sessionId, randomUUID()]) {
      const read = await callApi('GET', `/dicomweb/upload-sessions/${id}`, { token });
      const completion = await complete(token, id, parts);
      const abort = await callApi('DELETE', `/dicomweb/upload-sessions/${id}`, { token });
      for (const response of [read, completion, abort]) {
        expect(shape(response)).toEqual({
          status: 404,
          code: 'not_found',
          message: 'Upload session not found.',
        });
      }
    }
    const own = await callApi('GET', `/dicomweb/upload-sessions/${created.sessionId}`, {
      token: org.users.technologist.accessToken,
    });
    expect(own.json().status).toBe('awaiting-upload');
  });

  it('refuses a session over its limits before anything is created, and one that exceeds its declared size', async () => {
    const token = org.users.technologist.accessToken;

    const tooBig = await open(token, { totalBytes: 6 * 1024 * MiB, contentType: STOW_CONTENT_TYPE });
    // 5 GiB in 5 MiB parts: 1024 parts, more than the 1000 a session takes.
    const tooManyParts = await open(token, {
      totalBytes: 5 * 1024 * MiB,
      contentType: STOW_CONTENT_TYPE,
      partSizeBytes: 5 * MiB,
    });
    const bigSingleFile = await open(token, { totalBytes: 2 * 1024 * MiB, contentType: 'application/dicom' });
    const tinyParts = await open(token, { totalBytes: 10 * MiB, partSizeBytes: 1024 });
    const notDicom = await open(token, { totalBytes: 10 * MiB, contentType: 'application/zip' });
    const bodyOfWrongSize = stowBody([ctInstance()]);
    const opened = (
      await open(token, { totalBytes: bodyOfWrongSize.length, contentType: STOW_CONTENT_TYPE })
    ).json();
    const overrun = await complete(token, opened.sessionId, await putParts(opened, bodyOfWrongSize, 4096));

    expect([tooBig.status, tooManyParts.status, bigSingleFile.status]).toEqual([413, 413, 413]);
    expect(tooBig.json().error.code).toBe('payload_too_large');
    expect(tinyParts.status).toBe(400);
    expect(notDicom.status).toBe(415);
    expect(overrun.status).toBe(413);
    const status = await callApi('GET', `/dicomweb/upload-sessions/${opened.sessionId}`, { token });
    expect(status.json()).toMatchObject({ status: 'failed', error: expect.stringContaining('declared') });
  });

  it('aborts an unfinished session; it can then not be completed', async () => {
    const token = org.users.technologist.accessToken;
    const file = stowBody([ctInstance()]);
    const created = (
      await open(token, { totalBytes: file.length, contentType: STOW_CONTENT_TYPE })
    ).json() as Created;
    const parts = await putParts(created, file);

    const aborted = await callApi('DELETE', `/dicomweb/upload-sessions/${created.sessionId}`, { token });
    const completion = await complete(token, created.sessionId, parts);
    const status = await callApi('GET', `/dicomweb/upload-sessions/${created.sessionId}`, { token });

    expect(aborted.status).toBe(204);
    expect(completion.status).toBe(409);
    expect(status.json().status).toBe('aborted');
  });

  it('[PP-18] audits the session routes and every stored instance with the study and patient', async () => {
    const events = await callApi('GET', `/v1/audit-events?studyUid=${study}&limit=1000`, {
      token: org.users.administrator.accessToken,
    });
    const byPatient = await callApi('GET', '/v1/audit-events?patientId=PID-UPLOAD-1&limit=1000', {
      token: org.users.administrator.accessToken,
    });

    const names = events.json().events.map((event: { event: string }) => event.event);
    expect(new Set(names)).toEqual(
      new Set([
        'upload-started',
        'upload-completed',
        'upload-status-read',
        'instances-stored',
        'studies-queried',
        'instances-retrieved',
      ]),
    );
    expect(names.filter((name: string) => name === 'instances-stored')).toHaveLength(12);
    expect(
      byPatient.json().events.filter((event: { event: string }) => event.event === 'instances-stored'),
    ).toHaveLength(12);
  });
});
