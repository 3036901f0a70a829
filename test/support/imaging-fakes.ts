import { createHash } from 'node:crypto';
import { instanceMetadata } from '../../functions/imaging/core/metadata';
import { readPart10 } from '../../functions/imaging/core/part10';
import type {
  ImagingIndex,
  ObjectStore,
  StoredInstance,
  StudyRecord,
} from '../../functions/imaging/core/ports';
import type { CustomerPrincipal } from '../../functions/shared/auth/principal';

export const customer = (orgId: string): CustomerPrincipal => ({
  kind: 'customer',
  userId: `user-of-${orgId}`,
  orgId,
  role: 'radiologist',
  permissions: new Set(['view']),
});

/** A technologist of org-a who may upload: the caller of the store use cases' tests. */
export const uploader: CustomerPrincipal = {
  kind: 'customer',
  userId: 'u1',
  orgId: 'org-a',
  role: 'technologist',
  permissions: new Set(['upload']),
};

/** A study as the index returns it: one CT series and instance, the rest absent unless given. */
export const studyRecord = (
  fields: Partial<StudyRecord> & Pick<StudyRecord, 'studyInstanceUid'>,
): StudyRecord => ({
  patientId: null,
  patientName: null,
  studyDate: null,
  studyTime: null,
  accessionNumber: null,
  referringPhysicianName: null,
  studyDescription: null,
  studyId: null,
  modalities: ['CT'],
  seriesCount: 1,
  instanceCount: 1,
  ...fields,
});

/**
 * The imaging index and object store in memory, holding what ingest records (layout, patient and
 * metadata included). Reads come back in small chunks, as a network stream's do, and are logged.
 */
export class MemoryImaging {
  readonly objects = new Map<string, Buffer>();
  readonly instances: StoredInstance[] = [];
  readonly metadata = new Map<string, string>();
  readonly reads: { key: string; range?: { start: number; end: number } }[] = [];
  /** Reads that ended, read to the end or closed: a read opened and never ended holds a connection. */
  readonly endedReads: string[] = [];
  chunkBytes = 1000;

  readonly deps: { index: ImagingIndex; objects: ObjectStore } = {
    index: {
      addInstance: async () => 'added',
      findInstance: async (orgId, study, sop) => this.find(orgId, study, null, sop),
      getInstance: async (orgId, study, series, sop) => this.find(orgId, study, series, sop),
      getStudy: async () => null,
      seriesExists: async (orgId, study, series) =>
        this.instances.some(
          (i) => i.orgId === orgId && i.studyInstanceUid === study && i.seriesInstanceUid === series,
        ),
      storeContext: async (orgId, study, series, sop) => ({
        existing: this.find(orgId, study, null, sop),
        study: null,
        seriesExists: this.instances.some(
          (i) => i.orgId === orgId && i.studyInstanceUid === study && i.seriesInstanceUid === series,
        ),
      }),
      searchStudies: async () => [],
      findStudies: async function* () {},
      listSeries: async () => [],
      listInstances: async (orgId, study, series) =>
        this.instances
          .filter((i) => i.orgId === orgId && i.studyInstanceUid === study)
          .filter((i) => series === null || i.seriesInstanceUid === series)
          .map(({ layout: _layout, ...listed }) => ({ ...listed })),
      listMetadata: async () => [],
      getMetadata: async (orgId, study, series, sop) =>
        this.find(orgId, study, series, sop) ? (this.metadata.get(sop) ?? null) : null,
    },
    objects: {
      put: async (key, body) => {
        this.objects.set(key, body);
      },
      get: async (key) => this.object(key),
      delete: async (key) => {
        this.objects.delete(key);
      },
      read: async (key, range) => {
        this.reads.push({ key, ...(range ? { range } : {}) });
        const bytes = this.object(key).subarray(range?.start ?? 0, range?.end);
        const size = this.chunkBytes;
        const ended = this.endedReads;
        return (async function* () {
          try {
            for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
          } finally {
            ended.push(key);
          }
        })();
      },
    },
  };

  /** Stores a file as ingest would, for an organization, and returns the index record. */
  store(file: Buffer, orgId = 'org-a'): StoredInstance {
    const parsed = readPart10(file);
    const objectKey = `org/${orgId}/instances/${this.instances.length + 1}.dcm`;
    this.objects.set(objectKey, parsed.sanitized);
    const instance: StoredInstance = {
      orgId,
      studyInstanceUid: parsed.studyInstanceUid,
      seriesInstanceUid: parsed.seriesInstanceUid,
      sopInstanceUid: parsed.sopInstanceUid,
      sopClassUid: parsed.sopClassUid,
      transferSyntaxUid: parsed.transferSyntaxUid,
      objectKey,
      sha256: createHash('sha256').update(parsed.sanitized).digest('hex'),
      sizeBytes: parsed.sanitized.length,
      instanceNumber: parsed.attributes.instanceNumber,
      rows: parsed.pixels?.rows ?? null,
      columns: parsed.pixels?.columns ?? null,
      frames: parsed.pixels?.frames ?? null,
      storedAt: '2026-11-24T12:00:00.000Z',
      patientId: parsed.attributes.patientId,
      layout: parsed.layout,
    };
    this.instances.push(instance);
    this.metadata.set(parsed.sopInstanceUid, JSON.stringify(instanceMetadata(parsed)));
    return instance;
  }

  /** Flips one stored byte (by default one in the middle): what a corrupted or substituted copy looks like. */
  corrupt(key: string, at?: number): void {
    const bytes = Buffer.from(this.object(key));
    const position = at ?? Math.floor(bytes.length / 2);
    bytes[position] = (bytes[position] ?? 0) ^ 0xff;
    this.objects.set(key, bytes);
  }

  /** As if ingest could not separate this instance's frames. */
  withoutFrameTable(sop: string): void {
    const pixelData = this.instances.find((i) => i.sopInstanceUid === sop)?.layout?.pixelData;
    if (pixelData) pixelData.frames = null;
  }

  private object(key: string): Buffer {
    const bytes = this.objects.get(key);
    if (!bytes) throw new Error(`no object ${key}`);
    return bytes;
  }

  private find(orgId: string, study: string, series: string | null, sop: string): StoredInstance | null {
    return (
      this.instances.find(
        (i) =>
          i.orgId === orgId &&
          i.studyInstanceUid === study &&
          (series === null || i.seriesInstanceUid === series) &&
          i.sopInstanceUid === sop,
      ) ?? null
    );
  }
}
