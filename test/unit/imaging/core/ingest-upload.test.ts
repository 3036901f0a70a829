import {
  abandonUploadIngest,
  ingestUploadSession,
  RESULTS_PER_PAGE,
} from '../../../../functions/imaging/core/ingest-upload';
import type { UploadSession } from '../../../../functions/imaging/core/upload-ports';
import { getUploadSession } from '../../../../functions/imaging/core/upload-sessions';
import { ctInstance, testUid } from '../../../support/dicom-files';
import { fixedClock, sequentialIds } from '../../../support/fakes';
import { uploader } from '../../../support/imaging-fakes';
import {
  MemoryInstanceStore,
  MemoryStaging,
  MemoryUploadSessions,
  RecordingUploadAudit,
} from '../../../support/upload-fakes';

const BOUNDARY = 'ingest-boundary';
const principal = uploader;

function multipart(parts: { type?: string; bytes: Buffer }[], close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Type: ${part.type ?? 'application/dicom'}\r\n\r\n`),
      part.bytes,
      Buffer.from('\r\n'),
    );
  }
  if (close) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** A session whose bytes are already staged and completed, as the complete route leaves it. */
function setup(body: Buffer, options: { contentType?: string; study?: string | null } = {}) {
  const sessions = new MemoryUploadSessions();
  const staging = new MemoryStaging();
  const instances = new MemoryInstanceStore();
  const audit = new RecordingUploadAudit();
  /** What each run reported to the ingest-failures metric. */
  const notStored: number[] = [];
  const session: UploadSession = {
    orgId: 'org-a',
    sessionId: 'session-1',
    status: 'ingesting',
    createdAt: '2026-11-24T11:00:00.000Z',
    expiresAt: '2026-11-25T11:00:00.000Z',
    createdBy: { userId: 'u1', role: 'technologist' },
    totalBytes: body.length,
    contentType: options.contentType ?? `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
    studyInstanceUid: options.study ?? null,
    partSizeBytes: 16 * 1024 * 1024,
    partCount: 1,
    objectKey: 'uploads/staged-1',
    uploadId: 'upload-1',
    counts: { stored: 0, failed: 0 },
    progress: { nextOffset: 0, partsRead: 0, resultPages: 0 },
    error: null,
    finishedAt: null,
  };
  sessions.sessions.set('org-a/session-1', structuredClone(session));
  staging.objects.set(session.objectKey, body);
  const deps = {
    sessions,
    staging,
    audit,
    index: instances.index,
    objects: instances.store,
    clock: fixedClock('2026-11-24T12:00:00.000Z'),
    ids: sequentialIds('obj'),
    metrics: { instancesNotStored: (count: number) => notStored.push(count) },
  };
  return { deps, sessions, staging, instances, audit, notStored };
}

const ids = { orgId: 'org-a', sessionId: 'session-1' };
const always = { hasTimeLeft: () => true };
/** A sequence of the PS3.18 store response: ReferencedSOPSequence (00081199) or FailedSOPSequence (00081198). */
const sequence = (result: { storeResponse: Record<string, unknown> | null }, tag: string) =>
  (result.storeResponse?.[tag] as { Value: Record<string, { Value: unknown[] }>[] } | undefined)?.Value ?? [];
const view = async (sessions: MemoryUploadSessions) =>
  (
    await getUploadSession(
      { sessions, clock: fixedClock('2026-11-24T12:00:00.000Z') },
      principal,
      'session-1',
    )
  ).view;

describe('upload ingest', () => {
  it('stores every valid instance through the STOW-RS path, refuses a hostile one with its reason, then deletes the staged object', async () => {
    const study = testUid();
    const files = [ctInstance({ studyInstanceUid: study }), ctInstance({ studyInstanceUid: study })];
    const hostile = Buffer.concat([Buffer.from('MZ'), ctInstance().subarray(2)]);
    const { deps, sessions, staging, instances } = setup(
      multipart([{ bytes: files[0] as Buffer }, { bytes: hostile }, { bytes: files[1] as Buffer }]),
    );

    expect(await ingestUploadSession(deps, ids, always)).toEqual({ done: true });

    const result = await view(sessions);
    expect(result).toMatchObject({ status: 'completed-with-failures', counts: { stored: 2, failed: 1 } });
    expect(result.failures).toEqual([
      {
        sopInstanceUid: null,
        failureReason: 0xc000,
        message: 'The file preamble holds an executable header.',
      },
    ]);
    expect(sequence(result, '00081199')).toHaveLength(2);
    expect(sequence(result, '00081198')).toEqual([
      expect.objectContaining({ '00081197': { vr: 'US', Value: [0xc000] } }),
    ]);
    expect(instances.instances.size).toBe(2);
    // Stored copies have their preamble zeroed and live under server-generated keys.
    expect([...instances.objects.keys()]).toEqual([
      'org/org-a/instances/obj-1.dcm',
      'org/org-a/instances/obj-2.dcm',
    ]);
    expect(staging.objects.has('uploads/staged-1')).toBe(false);
  });

  it('counts the instances it could not store for the ingest-failures alarm, not the invalid files it refused', async () => {
    const study = testUid();
    const files = [ctInstance({ studyInstanceUid: study }), ctInstance({ studyInstanceUid: study })];
    const hostile = Buffer.concat([Buffer.from('MZ'), ctInstance().subarray(2)]);
    const { deps, notStored, instances } = setup(
      multipart([{ bytes: files[0] as Buffer }, { bytes: hostile }, { bytes: files[1] as Buffer }]),
    );
    let puts = 0;
    const put = instances.store.put.bind(instances.store);
    // The object store fails the first write only.
    deps.objects = {
      ...instances.store,
      put: async (...args: Parameters<typeof put>) => {
        puts += 1;
        if (puts === 1) throw new Error('S3 unavailable');
        return put(...args);
      },
    };

    await ingestUploadSession(deps, ids, always);

    expect(instances.instances.size).toBe(1);
    expect(notStored).toEqual([1]);
  });

  it('reports no ingest failure when every instance is stored or refused as invalid', async () => {
    const hostile = Buffer.concat([Buffer.from('MZ'), ctInstance().subarray(2)]);
    const { deps, notStored } = setup(multipart([{ bytes: ctInstance() }, { bytes: hostile }]));

    await ingestUploadSession(deps, ids, always);

    expect(notStored).toEqual([0]);
  });

  it('[PP-18] audits every instance it stores or refuses, before recording it', async () => {
    const file = ctInstance({ patientId: 'PID-42' });
    const { deps, audit } = setup(
      multipart([{ bytes: file }, { type: 'text/html', bytes: Buffer.from('<b>') }]),
    );

    await ingestUploadSession(deps, ids, always);

    expect(audit.records.map((record) => record.outcome.status)).toEqual(['stored', 'failed']);
    expect(audit.records[0]?.outcome).toMatchObject({ status: 'stored', patientId: 'PID-42', created: true });
  });

  it('applies the session per-file cap, larger than the 5 MiB of STOW-RS', async () => {
    const big = ctInstance({ rows: 1700, columns: 1700 }); // ≈ 5.5 MiB
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    const { deps, sessions } = setup(multipart([{ bytes: big }]));

    await ingestUploadSession(deps, ids, always);

    expect((await view(sessions)).counts).toEqual({ stored: 1, failed: 0 });
  });

  it('fails instances of another study when the session names one', async () => {
    const { deps, sessions } = setup(multipart([{ bytes: ctInstance() }]), { study: testUid() });

    await ingestUploadSession(deps, ids, always);

    expect(await view(sessions)).toMatchObject({
      status: 'failed',
      failures: [expect.objectContaining({ failureReason: 0xa900 })],
    });
  });

  it('ingests a single application/dicom file', async () => {
    const { deps, sessions, instances } = setup(ctInstance(), { contentType: 'application/dicom' });

    await ingestUploadSession(deps, ids, always);

    expect((await view(sessions)).status).toBe('completed');
    expect(instances.instances.size).toBe(1);
  });

  it('keeps what was stored when the body breaks off, and reports the rest as one failure', async () => {
    const body = multipart([{ bytes: ctInstance() }, { bytes: ctInstance() }], false);
    const unterminated = `--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\nno closing boundary`;
    const { deps, sessions } = setup(Buffer.concat([body, Buffer.from(unterminated)]));

    await ingestUploadSession(deps, ids, always);

    const result = await view(sessions);
    expect(result).toMatchObject({ status: 'completed-with-failures', counts: { stored: 2, failed: 1 } });
    expect(result.failures[0]?.message).toContain('could not be read');
  });

  it('an upload with no instances fails with a reason', async () => {
    const { deps, sessions } = setup(Buffer.from(`--${BOUNDARY}--\r\n`));

    await ingestUploadSession(deps, ids, always);

    expect(await view(sessions)).toMatchObject({ status: 'failed', error: 'The upload holds no instances.' });
  });

  it('pauses at a checkpoint when time runs short and resumes where it stopped, without duplicates', async () => {
    const files = Array.from({ length: 5 }, () => ctInstance());
    const { deps, sessions, instances, audit } = setup(multipart(files.map((bytes) => ({ bytes }))));
    let checks = 0;
    // Time runs short after the second part.
    const shortOfTime = {
      hasTimeLeft: () => {
        checks += 1;
        return checks < 2;
      },
    };

    const first = await ingestUploadSession(deps, ids, shortOfTime);
    const afterFirst = await sessions.get('org-a', 'session-1');
    const rest: unknown[] = [];
    for (let round = 0; round < 10; round += 1) {
      const next = await ingestUploadSession(deps, ids, always);
      rest.push(next);
      if (next.done) break;
    }

    expect(first).toEqual({ done: false });
    expect(afterFirst).toMatchObject({
      status: 'ingesting',
      counts: { stored: 2 },
      progress: { partsRead: 2 },
    });
    expect(rest).toEqual([{ done: true }]);
    const result = await view(sessions);
    expect(result.counts).toEqual({ stored: 5, failed: 0 });
    expect(sequence(result, '00081199')).toHaveLength(5);
    expect(instances.instances.size).toBe(5);
    expect(audit.records).toHaveLength(5);
  });

  it('is safe to retry after a failure mid-way: results are rewritten, never duplicated', async () => {
    const files = Array.from({ length: RESULTS_PER_PAGE + 3 }, () => ctInstance({ rows: 2, columns: 2 }));
    const { deps, sessions, instances } = setup(multipart(files.map((bytes) => ({ bytes }))));
    sessions.failNextCommit = true;

    await expect(ingestUploadSession(deps, ids, always)).rejects.toThrow('table unavailable');
    await ingestUploadSession(deps, ids, always);

    const result = await view(sessions);
    expect(result).toMatchObject({
      status: 'completed',
      counts: { stored: RESULTS_PER_PAGE + 3, failed: 0 },
    });
    const referenced = sequence(result, '00081199');
    expect(new Set(referenced.map((item) => item['00081155']?.Value[0])).size).toBe(RESULTS_PER_PAGE + 3);
    expect(referenced).toHaveLength(RESULTS_PER_PAGE + 3);
    expect(instances.instances.size).toBe(RESULTS_PER_PAGE + 3);
  });

  it('fails closed when the audit trail is unavailable: nothing is recorded as done', async () => {
    const { deps, sessions, audit } = setup(multipart([{ bytes: ctInstance() }]));
    audit.failWith = new Error('audit table unavailable');

    await expect(ingestUploadSession(deps, ids, always)).rejects.toThrow('audit table unavailable');

    expect(await sessions.get('org-a', 'session-1')).toMatchObject({
      status: 'ingesting',
      counts: { stored: 0 },
    });
  });

  it('does nothing for a session that is not ingesting (a duplicate or late execution)', async () => {
    const { deps, sessions, instances } = setup(multipart([{ bytes: ctInstance() }]));
    await ingestUploadSession(deps, ids, always);
    const finished = await sessions.get('org-a', 'session-1');

    expect(await ingestUploadSession(deps, ids, always)).toEqual({ done: true });
    expect(await sessions.get('org-a', 'session-1')).toEqual(finished);
    expect(instances.instances.size).toBe(1);
  });

  it('fails the session when the staged object is not the declared size', async () => {
    const { deps, sessions, staging } = setup(multipart([{ bytes: ctInstance() }]));
    staging.objects.set('uploads/staged-1', Buffer.alloc(10));

    await ingestUploadSession(deps, ids, always);

    expect(await view(sessions)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('declared'),
    });
  });

  it('gives up after the workflow spends its retries: failed, with the results so far', async () => {
    const { deps, sessions, staging } = setup(multipart([{ bytes: ctInstance() }]));

    await abandonUploadIngest(deps, ids);

    expect(await view(sessions)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('repeated errors'),
    });
    expect(staging.objects.has('uploads/staged-1')).toBe(false);
  });
});
