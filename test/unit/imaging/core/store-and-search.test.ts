import type {
  ImagingIndex,
  ObjectStore,
  StoredInstance,
  StudyRecord,
} from '../../../../functions/imaging/core/ports';
import { personNameMatcher } from '../../../../functions/imaging/core/search';
import { storeInstances } from '../../../../functions/imaging/core/store-instances';
import { ctInstance, testUid } from '../../../support/dicom-files';
import { fixedClock, sequentialIds } from '../../../support/fakes';
import { uploader } from '../../../support/imaging-fakes';

class MemoryObjects implements ObjectStore {
  objects = new Map<string, Buffer>();
  async put(key: string, body: Buffer) {
    this.objects.set(key, body);
  }
  async get(key: string) {
    const body = this.objects.get(key);
    if (!body) throw new Error('missing');
    return body;
  }
  async read(key: string) {
    const body = await this.get(key);
    return (async function* () {
      yield body;
    })();
  }
  async delete(key: string) {
    this.objects.delete(key);
  }
}

class MemoryIndex implements ImagingIndex {
  instances = new Map<string, StoredInstance>();
  failNext = false;
  async addInstance(instance: StoredInstance) {
    if (this.failNext) throw new Error('index unavailable');
    const key = `${instance.orgId}/${instance.sopInstanceUid}`;
    if (this.instances.has(key)) return 'exists' as const;
    this.instances.set(key, instance);
    return 'added' as const;
  }
  async findInstance(orgId: string, _study: string, sop: string) {
    return this.instances.get(`${orgId}/${sop}`) ?? null;
  }
  async getInstance(orgId: string, study: string, series: string, sop: string) {
    const found = await this.findInstance(orgId, study, sop);
    return found?.seriesInstanceUid === series ? found : null;
  }
  async getStudy(): Promise<StudyRecord | null> {
    return null;
  }
  async seriesExists(orgId: string, study: string, series: string) {
    return [...this.instances.values()].some(
      (i) => i.orgId === orgId && i.studyInstanceUid === study && i.seriesInstanceUid === series,
    );
  }
  async storeContext(orgId: string, study: string, series: string, sop: string) {
    const stored = [...this.instances.values()];
    return {
      existing: this.instances.get(`${orgId}/${sop}`) ?? null,
      study: null,
      seriesExists: stored.some(
        (i) => i.orgId === orgId && i.studyInstanceUid === study && i.seriesInstanceUid === series,
      ),
    };
  }
  async searchStudies() {
    return [];
  }
  async *findStudies(): AsyncIterable<StudyRecord> {}
  async listSeries() {
    return [];
  }
  async listInstances() {
    return [];
  }
  async listMetadata() {
    return [];
  }
  async getMetadata() {
    return null;
  }
}

/** The same stored instances through methods of its own: a second writer racing the first. */
class MemoryIndexSharing extends MemoryIndex {
  constructor(shared: MemoryIndex) {
    super();
    this.instances = shared.instances;
  }
}

const principal = uploader;
const part = (body: Buffer) => ({ contentType: 'application/dicom', body });

function setup() {
  const index = new MemoryIndex();
  const objects = new MemoryObjects();
  return { index, objects, deps: { index, objects, clock: fixedClock(), ids: sequentialIds('obj') } };
}

describe('storeInstances', () => {
  it('stores under server-generated keys, never derived from UIDs', async () => {
    const { deps, objects } = setup();

    const outcome = await storeInstances(
      deps,
      principal,
      [part(ctInstance({ sopInstanceUid: '1.2.3.4.5' }))],
      null,
    );

    expect(outcome.referenced).toHaveLength(1);
    expect([...objects.objects.keys()]).toEqual(['org/org-a/instances/obj-1.dcm']);
  });

  it('reads the index once, writes the object only after, then tells the index whether the series is new', async () => {
    const { deps, index, objects } = setup();
    const events: string[] = [];
    const storeContext = index.storeContext.bind(index);
    index.storeContext = async (...args) => {
      events.push('read');
      await new Promise((resolve) => setImmediate(resolve));
      const context = await storeContext(...args);
      events.push('read done');
      return context;
    };
    const notRead = async () => {
      throw new Error('storing reads the index once, through storeContext');
    };
    index.findInstance = notRead;
    index.getStudy = notRead;
    index.seriesExists = notRead;
    const put = objects.put.bind(objects);
    objects.put = async (key: string, body: Buffer) => {
      events.push('write');
      return put(key, body);
    };
    const hints: (boolean | undefined)[] = [];
    const add = index.addInstance.bind(index);
    index.addInstance = (
      instance: StoredInstance,
      _parsed?: unknown,
      _metadata?: string,
      seriesIsNew?: boolean,
    ) => {
      hints.push(seriesIsNew);
      return add(instance);
    };
    const study = testUid();
    const series = testUid();

    await storeInstances(
      deps,
      principal,
      [
        part(ctInstance({ studyInstanceUid: study, seriesInstanceUid: series })),
        part(ctInstance({ studyInstanceUid: study, seriesInstanceUid: series })),
      ],
      null,
    );

    expect(events).toEqual(['read', 'read done', 'write', 'read', 'read done', 'write']);
    expect(hints).toEqual([true, false]);
  });

  it('acknowledges an identical resend without writing it again', async () => {
    const { deps, index, objects } = setup();
    const file = ctInstance();
    let writes = 0;
    const put = objects.put.bind(objects);
    objects.put = async (key: string, body: Buffer) => {
      writes += 1;
      return put(key, body);
    };

    const first = await storeInstances(deps, principal, [part(file)], null);
    const again = await storeInstances(deps, principal, [part(file)], null);

    expect(first.referenced).toEqual([expect.objectContaining({ alreadyStored: false })]);
    expect(again.referenced).toEqual([expect.objectContaining({ alreadyStored: true })]);
    expect(again.studies).toEqual([]);
    expect(writes).toBe(1);
    expect([...objects.objects.keys()]).toEqual(['org/org-a/instances/obj-1.dcm']);
    expect(index.instances.size).toBe(1);
  });

  it('refuses other content under a stored SOP Instance UID without writing any of it', async () => {
    const { deps, objects } = setup();
    const sop = testUid();
    await storeInstances(deps, principal, [part(ctInstance({ sopInstanceUid: sop }))], null);
    let writes = 0;
    objects.put = async () => {
      writes += 1;
    };

    const outcome = await storeInstances(
      deps,
      principal,
      [part(ctInstance({ sopInstanceUid: sop, patientName: 'Other^Content' }))],
      null,
    );

    expect(outcome.failed).toEqual([
      expect.objectContaining({
        failureReason: 0xa900,
        message: 'a different instance with this UID is stored',
      }),
    ]);
    expect(writes).toBe(0);
  });

  it('judges an upload that lost the race for its UID against the one that won', async () => {
    const { deps, index, objects } = setup();
    const file = ctInstance();
    // Another upload of the same file commits between this one's read and its write.
    const storeContext = index.storeContext.bind(index);
    index.storeContext = async (...args) => {
      const context = await storeContext(...args);
      await storeInstances({ ...deps, index: new MemoryIndexSharing(index) }, principal, [part(file)], null);
      return context;
    };

    const outcome = await storeInstances(deps, principal, [part(file)], null);

    expect(outcome.referenced).toEqual([expect.objectContaining({ alreadyStored: true })]);
    expect(objects.objects.size).toBe(1);
  });

  it('writes nothing when the index cannot be read, and fails the request', async () => {
    const { deps, index, objects } = setup();
    index.storeContext = async () => {
      throw new Error('index unavailable');
    };

    await expect(storeInstances(deps, principal, [part(ctInstance())], null)).rejects.toThrow(
      'index unavailable',
    );
    expect(objects.objects.size).toBe(0);
  });

  it('removes the stored object when the index write fails, and reports a processing failure', async () => {
    const { deps, index, objects } = setup();
    index.failNext = true;

    const outcome = await storeInstances(deps, principal, [part(ctInstance())], null);

    expect(outcome.failed).toEqual([expect.objectContaining({ failureReason: 0x0110 })]);
    expect(objects.objects.size).toBe(0);
  });

  it('fails instances of another study when storing into one study', async () => {
    const { deps } = setup();

    const outcome = await storeInstances(
      deps,
      principal,
      [part(ctInstance({ studyInstanceUid: testUid() }))],
      '1.2.3',
    );

    expect(outcome.failed).toEqual([expect.objectContaining({ failureReason: 0xa900 })]);
  });

  it('stores while the request has time, then refuses the parts left, by name, writing nothing of them', async () => {
    const { deps, index, objects } = setup();
    const sops = [1, 2, 3, 4].map(() => testUid());
    const files = sops.map((sopInstanceUid) => ctInstance({ sopInstanceUid }));
    let timeChecks = 0;
    // Time runs out once two parts are stored: the third and fourth are not started.
    const hasTimeLeft = () => {
      timeChecks += 1;
      return timeChecks < 2;
    };
    const storeContext = index.storeContext.bind(index);
    let indexReads = 0;
    index.storeContext = async (...args) => {
      indexReads += 1;
      return storeContext(...args);
    };

    const outcome = await storeInstances(deps, principal, files.map(part), null, hasTimeLeft);

    expect(outcome.referenced).toHaveLength(2);
    expect(outcome.failed).toEqual(
      [2, 3].map((at) =>
        expect.objectContaining({
          sopInstanceUid: sops[at],
          failureReason: 0xa700,
          message: 'not stored: the request ran out of time; send it again',
        }),
      ),
    );
    expect(objects.objects.size).toBe(2);
    expect(indexReads).toBe(2);
  });

  it('always tries the first part, however little time is left', async () => {
    const { deps } = setup();

    const outcome = await storeInstances(deps, principal, [part(ctInstance())], null, () => false);

    expect(outcome.referenced).toHaveLength(1);
    expect(outcome.failed).toEqual([]);
  });

  it('fails parts that are not application/dicom without reading them', async () => {
    const { deps } = setup();

    const outcome = await storeInstances(
      deps,
      principal,
      [{ contentType: 'text/html', body: Buffer.from('<script>') }],
      null,
    );

    expect(outcome.failed).toEqual([expect.objectContaining({ failureReason: 0xc000 })]);
  });
});

describe('PatientName matching', () => {
  it.each([
    ['DOE*', 'Doe^Jane', true],
    ['doe^j?ne', 'Doe^Jane', true],
    ['*JANE', 'Doe^Jane', true],
    ['DOE', 'Doe^Jane', false],
    ['(.*)', 'Doe^Jane', false],
  ])('%s against %s → %s', (pattern, name, expected) => {
    expect(personNameMatcher(pattern)(name)).toBe(expected);
  });
});
