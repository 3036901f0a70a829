import { createHash } from 'node:crypto';
import type { ImagingIndex, ObjectStore, StoredInstance } from '../../functions/imaging/core/ports';
import type { InstanceOutcome } from '../../functions/imaging/core/store-instances';
import type {
  CompleteUploadResult,
  IngestProgress,
  IngestWorkflow,
  StagingArea,
  UploadAuditTrail,
  UploadResult,
  UploadSession,
  UploadSessionRepository,
} from '../../functions/imaging/core/upload-ports';
import type { UploadSessionStatus } from '../../schemas/imaging/upload-session';

/** In-memory stand-ins for the upload-session ports, with the same conditional semantics. */
export class MemoryUploadSessions implements UploadSessionRepository {
  sessions = new Map<string, UploadSession>();
  pages = new Map<string, UploadResult[]>();
  /** Set to make the next commitProgress fail, as a crash between two writes would. */
  failNextCommit = false;

  private key = (orgId: string, sessionId: string) => `${orgId}/${sessionId}`;

  async create(session: UploadSession) {
    const key = this.key(session.orgId, session.sessionId);
    if (this.sessions.has(key)) throw new Error('exists');
    this.sessions.set(key, structuredClone(session));
  }
  async get(orgId: string, sessionId: string) {
    const session = this.sessions.get(this.key(orgId, sessionId));
    return session ? structuredClone(session) : null;
  }
  async transition(
    orgId: string,
    sessionId: string,
    from: readonly UploadSessionStatus[],
    to: UploadSessionStatus,
    changes: Partial<Pick<UploadSession, 'error' | 'finishedAt' | 'expiresAt'>> = {},
  ) {
    const session = this.sessions.get(this.key(orgId, sessionId));
    if (!session || !from.includes(session.status)) return null;
    Object.assign(session, changes, { status: to });
    return structuredClone(session);
  }
  async commitProgress(
    session: UploadSession,
    page: { index: number; results: UploadResult[] } | null,
    progress: IngestProgress,
    counts: UploadSession['counts'],
  ) {
    if (this.failNextCommit) {
      this.failNextCommit = false;
      throw new Error('table unavailable');
    }
    const stored = this.sessions.get(this.key(session.orgId, session.sessionId));
    if (stored?.status !== 'ingesting') throw new Error('ConditionalCheckFailed');
    if (page)
      this.pages.set(`${this.key(session.orgId, session.sessionId)}#${page.index}`, [...page.results]);
    stored.progress = { ...progress };
    stored.counts = { ...counts };
  }
  async listResults(session: UploadSession) {
    const results: UploadResult[] = [];
    for (let index = 0; index < session.progress.resultPages; index += 1) {
      results.push(...(this.pages.get(`${this.key(session.orgId, session.sessionId)}#${index}`) ?? []));
    }
    return results;
  }
}

/** S3 multipart uploads in memory; the test plays the client by calling putPart. */
export class MemoryStaging implements StagingArea {
  objects = new Map<string, Buffer>();
  uploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  aborted: string[] = [];
  deleted: string[] = [];
  /** Reads come in chunks of this size, so parsers meet every kind of boundary split. */
  readChunkBytes = 4099;
  private next = 0;

  async startUpload(key: string) {
    const uploadId = `upload-${++this.next}`;
    this.uploads.set(uploadId, { key, parts: new Map() });
    return uploadId;
  }
  async presignPart(
    key: string,
    uploadId: string,
    part: { partNumber: number; sizeBytes: number },
    expiresInSeconds: number,
  ) {
    return `https://staging.test/${key}?uploadId=${uploadId}&partNumber=${part.partNumber}&size=${part.sizeBytes}&expires=${expiresInSeconds}`;
  }
  /** The client's PUT to a part URL; answers the ETag. */
  putPart(uploadId: string, partNumber: number, bytes: Buffer): string {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new Error('NoSuchUpload');
    upload.parts.set(partNumber, bytes);
    return `"${createHash('md5').update(bytes).digest('hex')}"`;
  }
  async completeUpload(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
  ): Promise<CompleteUploadResult> {
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.key !== key) return 'no-such-upload';
    const bodies: Buffer[] = [];
    for (const part of parts) {
      const bytes = upload.parts.get(part.partNumber);
      if (!bytes || part.etag !== `"${createHash('md5').update(bytes).digest('hex')}"`)
        return 'parts-rejected';
      bodies.push(bytes);
    }
    this.objects.set(key, Buffer.concat(bodies));
    this.uploads.delete(uploadId);
    return 'completed';
  }
  async abortUpload(_key: string, uploadId: string) {
    this.aborted.push(uploadId);
    this.uploads.delete(uploadId);
  }
  async sizeOf(key: string) {
    return this.objects.get(key)?.length ?? null;
  }
  async *read(key: string, from: number, size: number) {
    const object = this.objects.get(key);
    if (!object) throw new Error('NoSuchKey');
    for (let start = from; start < size; start += this.readChunkBytes) {
      yield object.subarray(start, Math.min(size, start + this.readChunkBytes));
    }
  }
  async delete(key: string) {
    this.deleted.push(key);
    this.objects.delete(key);
  }
}

export class RecordingIngestWorkflow implements IngestWorkflow {
  started: { orgId: string; sessionId: string }[] = [];
  async start(input: { orgId: string; sessionId: string }) {
    this.started.push(input);
  }
}

export class RecordingUploadAudit implements UploadAuditTrail {
  records: { sessionId: string; outcome: InstanceOutcome }[] = [];
  failWith: Error | null = null;
  async instanceProcessed(session: UploadSession, outcome: InstanceOutcome) {
    if (this.failWith) throw this.failWith;
    this.records.push({ sessionId: session.sessionId, outcome });
  }
}

/**
 * The imaging index and object store as far as the storage path uses them (store context, find, add,
 * put, delete), keyed by organization and SOP Instance UID. It keeps no study records, so every instance
 * joins its study as the first.
 */
export class MemoryInstanceStore {
  instances = new Map<string, StoredInstance>();
  objects = new Map<string, Buffer>();

  readonly index = {
    findInstance: async (orgId: string, _study: string, sop: string) =>
      this.instances.get(`${orgId}/${sop}`) ?? null,
    getStudy: async () => null,
    seriesExists: async (orgId: string, _study: string, series: string) =>
      [...this.instances.values()].some(
        (instance) => instance.orgId === orgId && instance.seriesInstanceUid === series,
      ),
    storeContext: async (orgId: string, _study: string, series: string, sop: string) => ({
      existing: this.instances.get(`${orgId}/${sop}`) ?? null,
      study: null,
      seriesExists: [...this.instances.values()].some(
        (instance) => instance.orgId === orgId && instance.seriesInstanceUid === series,
      ),
    }),
    addInstance: async (instance: StoredInstance) => {
      const key = `${instance.orgId}/${instance.sopInstanceUid}`;
      if (this.instances.has(key)) return 'exists' as const;
      this.instances.set(key, instance);
      return 'added' as const;
    },
  } as unknown as ImagingIndex;

  readonly store = {
    put: async (key: string, body: Buffer) => {
      this.objects.set(key, Buffer.from(body));
    },
    delete: async (key: string) => {
      this.objects.delete(key);
    },
  } as unknown as ObjectStore;
}
