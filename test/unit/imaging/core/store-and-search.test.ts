import type {
  ImagingIndex,
  ObjectStore,
  StoredInstance,
  StudyRecord,
} from '../../../../functions/imaging/core/ports';
import { personNameMatcher } from '../../../../functions/imaging/core/search';
import { storeInstances } from '../../../../functions/imaging/core/store-instances';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';
import { ctInstance, testUid } from '../../../support/dicom-files';
import { fixedClock, sequentialIds } from '../../../support/fakes';

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

const principal: CustomerPrincipal = {
  kind: 'customer',
  userId: 'u1',
  orgId: 'org-a',
  role: 'technologist',
  permissions: new Set(['upload']),
};
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

  it('writes the object while the index is read in one request, then tells the index whether the series is new', async () => {
    const { deps, index, objects } = setup();
    let inFlight = 0;
    let mostInFlight = 0;
    const overlapping =
      <A extends unknown[], R>(target: object, method: (...args: A) => Promise<R>) =>
      async (...args: A) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return method.apply(target, args);
      };
    let contextReads = 0;
    const storeContext = index.storeContext.bind(index);
    index.storeContext = overlapping(index, (...args: Parameters<MemoryIndex['storeContext']>) => {
      contextReads += 1;
      return storeContext(...args);
    });
    const notRead = async () => {
      throw new Error('storing reads the index once, through storeContext');
    };
    index.findInstance = notRead;
    index.getStudy = notRead;
    index.seriesExists = notRead;
    objects.put = overlapping(objects, objects.put);
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

    expect(mostInFlight).toBe(2);
    expect(contextReads).toBe(2);
    expect(hints).toEqual([true, false]);
  });

  it('acknowledges an identical resend once stored, and deletes the copy written while the index was read', async () => {
    const { deps, index, objects } = setup();
    const file = ctInstance();

    const first = await storeInstances(deps, principal, [part(file)], null);
    const again = await storeInstances(deps, principal, [part(file)], null);

    expect(first.referenced).toEqual([expect.objectContaining({ alreadyStored: false })]);
    expect(again.referenced).toEqual([expect.objectContaining({ alreadyStored: true })]);
    expect(again.studies).toEqual([]);
    expect([...objects.objects.keys()]).toEqual(['org/org-a/instances/obj-1.dcm']);
    expect(index.instances.size).toBe(1);
  });

  it('refuses other content under a stored SOP Instance UID and leaves nothing of it', async () => {
    const { deps, objects } = setup();
    const sop = testUid();
    await storeInstances(deps, principal, [part(ctInstance({ sopInstanceUid: sop }))], null);

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
    expect([...objects.objects.keys()]).toEqual(['org/org-a/instances/obj-1.dcm']);
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

  it('deletes the object written beside a failed index read, and fails the request', async () => {
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
