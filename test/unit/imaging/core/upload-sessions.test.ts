import {
  abortUploadSession,
  completeUploadSession,
  createUploadSession,
  getUploadSession,
  issuePartUrls,
  UPLOAD_SESSION_LIMITS,
} from '../../../../functions/imaging/core/upload-sessions';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../../../functions/shared/errors';
import type { CreateUploadSessionBody } from '../../../../schemas/imaging/upload-session';
import { sequentialIds } from '../../../support/fakes';
import { MemoryStaging, MemoryUploadSessions, RecordingIngestWorkflow } from '../../../support/upload-fakes';

const MiB = 1024 * 1024;
const principal: CustomerPrincipal = {
  kind: 'customer',
  userId: 'u1',
  orgId: 'org-a',
  role: 'technologist',
  permissions: new Set(['upload', 'view']),
};
const otherOrg: CustomerPrincipal = { ...principal, userId: 'u9', orgId: 'org-b' };
const MULTIPART = 'multipart/related; type="application/dicom"; boundary=b-1';

function setup(now = '2026-11-24T12:00:00.000Z') {
  const sessions = new MemoryUploadSessions();
  const staging = new MemoryStaging();
  const ingest = new RecordingIngestWorkflow();
  const clock = { current: new Date(now), now: () => clock.current };
  return {
    sessions,
    staging,
    ingest,
    clock,
    deps: { sessions, staging, ingest, clock, ids: sequentialIds('id') },
  };
}

const open = (deps: ReturnType<typeof setup>['deps'], body: Partial<CreateUploadSessionBody> = {}) =>
  createUploadSession(deps, principal, { totalBytes: 12 * MiB, contentType: MULTIPART, ...body });

/** The client's side: PUT every part to its URL with exactly its signed size. */
function uploadAll(staging: MemoryStaging, uploadId: string, sizes: number[], extra = 0) {
  return sizes.map((size, index) => ({
    partNumber: index + 1,
    etag: staging.putPart(
      uploadId,
      index + 1,
      Buffer.alloc(size + (index === sizes.length - 1 ? extra : 0), 7),
    ),
  }));
}

describe('upload sessions', () => {
  describe('opening', () => {
    it('plans parts of the chosen size, each URL signed for its exact size, summing to the total', async () => {
      const { deps } = setup();

      const { session, upload } = await open(deps, { totalBytes: 12 * MiB, partSizeBytes: 5 * MiB });

      expect(upload.parts.map((part) => [part.partNumber, part.sizeBytes])).toEqual([
        [1, 5 * MiB],
        [2, 5 * MiB],
        [3, 2 * MiB],
      ]);
      expect(session).toMatchObject({ status: 'awaiting-upload', partCount: 3, orgId: 'org-a' });
      expect(upload.expiresAt).toBe('2026-11-24T12:15:00.000Z');
      expect(session.expiresAt).toBe('2026-11-25T12:00:00.000Z');
    });

    it('[PP-18] stages under a random key in the uploads/ prefix: no UID, file name or org in key or URL', async () => {
      const { deps } = setup();
      const study = '1.2.840.113619.2.55.3.1234';

      const { session, upload } = await open(deps, { studyInstanceUid: study });

      expect(session.objectKey).toMatch(/^uploads\/id-\d+$/);
      for (const part of upload.parts) {
        expect(part.url).not.toContain(study);
        expect(part.url).not.toContain('org-a');
      }
    });

    it.each([
      [
        'more than 5 GiB in total',
        { totalBytes: UPLOAD_SESSION_LIMITS.maxTotalBytes + 1 },
        PayloadTooLargeError,
      ],
      [
        'a single file over 1 GiB',
        { totalBytes: UPLOAD_SESSION_LIMITS.maxFileBytes + 1, contentType: 'application/dicom' },
        PayloadTooLargeError,
      ],
      [
        'more parts than allowed',
        { totalBytes: 1001 * 5 * MiB, partSizeBytes: 5 * MiB },
        PayloadTooLargeError,
      ],
      ['parts below the S3 minimum', { partSizeBytes: 5 * MiB - 1 }, InvalidInputError],
      ['parts above the maximum', { partSizeBytes: 513 * MiB }, InvalidInputError],
      ['a content type that is not DICOM', { contentType: 'application/zip' }, UnsupportedMediaTypeError],
      [
        'multipart of another type',
        { contentType: 'multipart/related; type="image/jpeg"; boundary=x' },
        UnsupportedMediaTypeError,
      ],
      [
        'multipart without a boundary',
        { contentType: 'multipart/related; type="application/dicom"' },
        InvalidInputError,
      ],
    ])('refuses %s before creating anything', async (_case, body, error) => {
      const { deps, staging, sessions } = setup();

      await expect(open(deps, body)).rejects.toThrow(error);
      expect(staging.uploads.size).toBe(0);
      expect(sessions.sessions.size).toBe(0);
    });

    it('aborts the S3 upload when the session cannot be recorded', async () => {
      const { deps, staging, sessions } = setup();
      sessions.create = async () => {
        throw new Error('table unavailable');
      };

      await expect(open(deps)).rejects.toThrow('table unavailable');
      expect(staging.aborted).toEqual(['upload-1']);
    });
  });

  describe('completing', () => {
    it('completes the upload, moves to ingesting and starts the ingest with ids only', async () => {
      const { deps, staging, ingest } = setup();
      const { session, upload } = await open(deps);

      const completed = await completeUploadSession(deps, principal, session.sessionId, {
        parts: uploadAll(
          staging,
          session.uploadId,
          upload.parts.map((part) => part.sizeBytes),
        ),
      });

      expect(completed.status).toBe('ingesting');
      expect(staging.objects.get(session.objectKey)?.length).toBe(12 * MiB);
      expect(ingest.started).toEqual([{ orgId: 'org-a', sessionId: session.sessionId }]);
    });

    it('completing twice ingests once: the second call changes nothing and restarts no new ingest', async () => {
      const { deps, staging, ingest, sessions } = setup();
      const { session, upload } = await open(deps);
      const parts = uploadAll(
        staging,
        session.uploadId,
        upload.parts.map((part) => part.sizeBytes),
      );
      const transitions = jest.spyOn(sessions, 'transition');

      await completeUploadSession(deps, principal, session.sessionId, { parts });
      const again = await completeUploadSession(deps, principal, session.sessionId, { parts });

      expect(again.status).toBe('ingesting');
      expect(transitions).toHaveBeenCalledTimes(1);
      // The start is repeated with the same session id: the workflow's execution name makes it a no-op.
      expect(new Set(ingest.started.map((start) => start.sessionId))).toEqual(new Set([session.sessionId]));
    });

    it('two concurrent completions ingest once', async () => {
      const { deps, staging, ingest, sessions } = setup();
      const { session, upload } = await open(deps);
      const parts = uploadAll(
        staging,
        session.uploadId,
        upload.parts.map((part) => part.sizeBytes),
      );
      const transitions = jest.spyOn(sessions, 'transition');

      const both = await Promise.all([
        completeUploadSession(deps, principal, session.sessionId, { parts }),
        completeUploadSession(deps, principal, session.sessionId, { parts }),
      ]);

      expect(both.map((completed) => completed.status)).toEqual(['ingesting', 'ingesting']);
      // Both may try; the conditional write lets exactly one move the session on.
      const moved = await Promise.all(transitions.mock.results.map((result) => result.value));
      expect(moved.filter(Boolean)).toHaveLength(1);
      expect(new Set(ingest.started.map((start) => start.sessionId))).toEqual(new Set([session.sessionId]));
    });

    it('refuses an upload larger than declared with 413, fails the session and discards the bytes', async () => {
      const { deps, staging, ingest, sessions } = setup();
      const { session, upload } = await open(deps);
      const parts = uploadAll(
        staging,
        session.uploadId,
        upload.parts.map((part) => part.sizeBytes),
        10,
      );

      await expect(completeUploadSession(deps, principal, session.sessionId, { parts })).rejects.toThrow(
        PayloadTooLargeError,
      );
      expect((await sessions.get('org-a', session.sessionId))?.status).toBe('failed');
      expect(staging.objects.has(session.objectKey)).toBe(false);
      expect(ingest.started).toEqual([]);
    });

    it('refuses an upload smaller than declared with 400', async () => {
      const { deps, staging } = setup();
      const { session, upload } = await open(deps);
      const parts = uploadAll(
        staging,
        session.uploadId,
        upload.parts.map((part) => part.sizeBytes),
        -10,
      );

      await expect(completeUploadSession(deps, principal, session.sessionId, { parts })).rejects.toThrow(
        InvalidInputError,
      );
    });

    it('requires every part once, with the ETag its PUT returned', async () => {
      const { deps, staging } = setup();
      const { session, upload } = await open(deps);
      const parts = uploadAll(
        staging,
        session.uploadId,
        upload.parts.map((part) => part.sizeBytes),
      );

      await expect(
        completeUploadSession(deps, principal, session.sessionId, { parts: parts.slice(1) }),
      ).rejects.toThrow(InvalidInputError);
      await expect(
        completeUploadSession(deps, principal, session.sessionId, {
          parts: parts.map((part) => ({ ...part, etag: '"forged"' })),
        }),
      ).rejects.toThrow('The parts do not match what was uploaded.');
    });

    it('refuses to complete an aborted session', async () => {
      const { deps, staging } = setup();
      const { session, upload } = await open(deps);
      const parts = uploadAll(
        staging,
        session.uploadId,
        upload.parts.map((part) => part.sizeBytes),
      );
      await abortUploadSession(deps, principal, session.sessionId);

      await expect(completeUploadSession(deps, principal, session.sessionId, { parts })).rejects.toThrow(
        ConflictError,
      );
    });
  });

  describe('organization scope and expiry', () => {
    it('[PP-07] another organization cannot read, complete, renew or abort the session: 404 like a missing one', async () => {
      const { deps, staging } = setup();
      const { session, upload } = await open(deps);
      const parts = uploadAll(
        staging,
        session.uploadId,
        upload.parts.map((part) => part.sizeBytes),
      );

      for (const attempt of [
        () => getUploadSession(deps, otherOrg, session.sessionId),
        () => completeUploadSession(deps, otherOrg, session.sessionId, { parts }),
        () => issuePartUrls(deps, otherOrg, session.sessionId, undefined),
        () => abortUploadSession(deps, otherOrg, session.sessionId),
        () => getUploadSession(deps, principal, 'no-such-session'),
      ]) {
        await expect(attempt()).rejects.toThrow(new NotFoundError('Upload session not found.'));
      }
      expect((await getUploadSession(deps, principal, session.sessionId)).session.status).toBe(
        'awaiting-upload',
      );
    });

    it('takes a record read beside the membership instead of reading it again, and still refuses it expired', async () => {
      const { deps, sessions, clock } = setup();
      const { session } = await open(deps);
      const get = jest.spyOn(sessions, 'get');
      const readAhead = sessions.get(principal.orgId, session.sessionId);
      get.mockClear();

      const found = await getUploadSession(deps, principal, session.sessionId, readAhead);
      expect(found.session.sessionId).toBe(session.sessionId);
      expect(get).not.toHaveBeenCalled();

      clock.current = new Date(Date.parse(session.expiresAt) + 1);
      await expect(
        getUploadSession(
          deps,
          principal,
          session.sessionId,
          sessions.get(principal.orgId, session.sessionId),
        ),
      ).rejects.toThrow(NotFoundError);
      await expect(
        getUploadSession(deps, principal, session.sessionId, Promise.resolve(null)),
      ).rejects.toThrow(NotFoundError);
    });

    it('an expired session is gone, even before the TTL removes it', async () => {
      const { deps, clock } = setup();
      const { session } = await open(deps);
      clock.current = new Date(Date.parse(session.expiresAt) + 1);

      await expect(getUploadSession(deps, principal, session.sessionId)).rejects.toThrow(NotFoundError);
    });
  });

  describe('part URLs and aborting', () => {
    it('issues fresh URLs for chosen parts while the upload is open, and none afterwards', async () => {
      const { deps, clock } = setup();
      const { session } = await open(deps, { partSizeBytes: 5 * MiB });
      clock.current = new Date(clock.current.getTime() + 60 * 60 * 1000);

      const renewed = await issuePartUrls(deps, principal, session.sessionId, [2]);
      await abortUploadSession(deps, principal, session.sessionId);

      expect(renewed.upload.parts.map((part) => part.partNumber)).toEqual([2]);
      expect(renewed.upload.expiresAt).toBe('2026-11-24T13:15:00.000Z');
      await expect(issuePartUrls(deps, principal, session.sessionId, [1])).rejects.toThrow(ConflictError);
      await expect(issuePartUrls(deps, principal, 'x', [99])).rejects.toThrow(NotFoundError);
    });

    it('refuses part numbers beyond the session', async () => {
      const { deps } = setup();
      const { session } = await open(deps);

      await expect(issuePartUrls(deps, principal, session.sessionId, [4])).rejects.toThrow(InvalidInputError);
    });

    it('aborts the S3 upload of an unfinished session; aborting again is harmless; a completed one stays', async () => {
      const { deps, staging } = setup();
      const first = await open(deps);
      const second = await open(deps);
      await completeUploadSession(deps, principal, second.session.sessionId, {
        parts: uploadAll(
          staging,
          second.session.uploadId,
          second.upload.parts.map((part) => part.sizeBytes),
        ),
      });

      const aborted = await abortUploadSession(deps, principal, first.session.sessionId);
      await abortUploadSession(deps, principal, first.session.sessionId);

      expect(aborted.status).toBe('aborted');
      expect(staging.aborted).toEqual([first.session.uploadId]);
      await expect(abortUploadSession(deps, principal, second.session.sessionId)).rejects.toThrow(
        ConflictError,
      );
    });
  });
});
