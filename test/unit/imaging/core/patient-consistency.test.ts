import { storeResponse } from '../../../../functions/imaging/core/dicom-json';
import type { ParsedInstance } from '../../../../functions/imaging/core/part10';
import type {
  ImagingIndex,
  ObjectStore,
  StoredInstance,
  StudyRecord,
} from '../../../../functions/imaging/core/ports';
import { storeInstances } from '../../../../functions/imaging/core/store-instances';
import { ctInstance, testUid } from '../../../support/dicom-files';
import { fixedClock, sequentialIds } from '../../../support/fakes';
import { uploader } from '../../../support/imaging-fakes';

const principal = uploader;
const part = (body: Buffer) => ({ contentType: 'application/dicom', body });

/**
 * An index that keeps studies as the DynamoDB one did before patient keys: study attributes from the
 * first instance, later instances only counted. It checks nothing, so what is refused is refused by the
 * store use case itself; `answer` stands in for the index's own refusal of a racing instance.
 */
class StudyKeepingIndex implements Partial<ImagingIndex> {
  readonly studies = new Map<string, StudyRecord>();
  readonly instances: StoredInstance[] = [];
  answer: 'added' | 'patient-mismatch' = 'added';

  async addInstance(instance: StoredInstance, parsed: ParsedInstance) {
    if (this.answer !== 'added') return this.answer;
    if (this.instances.some((stored) => stored.sopInstanceUid === instance.sopInstanceUid)) {
      return 'exists' as const;
    }
    const a = parsed.attributes;
    const study = this.studies.get(instance.studyInstanceUid) ?? {
      studyInstanceUid: instance.studyInstanceUid,
      patientId: a.patientId,
      patientName: a.patientName,
      studyDate: a.studyDate,
      studyTime: a.studyTime,
      accessionNumber: a.accessionNumber,
      referringPhysicianName: a.referringPhysicianName,
      studyDescription: a.studyDescription,
      studyId: a.studyId,
      modalities: [],
      seriesCount: 1,
      instanceCount: 0,
    };
    this.studies.set(instance.studyInstanceUid, { ...study, instanceCount: study.instanceCount + 1 });
    this.instances.push(instance);
    return 'added' as const;
  }
  async findInstance(_orgId: string, _study: string, sop: string) {
    return this.instances.find((stored) => stored.sopInstanceUid === sop) ?? null;
  }
  async getStudy(_orgId: string, study: string) {
    return this.studies.get(study) ?? null;
  }
  async seriesExists(_orgId: string, study: string, series: string) {
    return this.instances.some(
      (stored) => stored.studyInstanceUid === study && stored.seriesInstanceUid === series,
    );
  }
  async storeContext(orgId: string, study: string, series: string, sop: string) {
    return {
      existing: await this.findInstance(orgId, study, sop),
      study: await this.getStudy(orgId, study),
      seriesExists: await this.seriesExists(orgId, study, series),
    };
  }
}

function setup() {
  const index = new StudyKeepingIndex();
  const objects = new Map<string, Buffer>();
  const objectStore: Partial<ObjectStore> = {
    put: async (key, body) => {
      objects.set(key, body);
    },
    delete: async (key) => {
      objects.delete(key);
    },
  };
  const deps = {
    index: index as unknown as ImagingIndex,
    objects: objectStore as ObjectStore,
    clock: fixedClock(),
    ids: sequentialIds('obj'),
  };
  return { index, objects, deps };
}

describe('an instance joins a stored study only if it names the study’s patient', () => {
  it('refuses instance 2 of a study naming another patient, storing and indexing nothing of it', async () => {
    const { index, objects, deps } = setup();
    const study = testUid();
    await storeInstances(
      deps,
      principal,
      [part(ctInstance({ studyInstanceUid: study, patientId: 'P1' }))],
      null,
    );
    const intruder = ctInstance({ studyInstanceUid: study, patientId: 'P2', patientName: 'Roe^Rick' });

    const outcome = await storeInstances(deps, principal, [part(intruder)], null);

    expect(outcome.referenced).toEqual([]);
    expect(outcome.failed).toEqual([
      expect.objectContaining({
        failureReason: 0xa900,
        message: expect.stringMatching(/^patient-mismatch: PatientID/),
      }),
    ]);
    expect(outcome.patients).toEqual([]);
    expect(objects.size).toBe(1);
    expect(index.instances).toHaveLength(1);
    expect(index.studies.get(study)).toMatchObject({
      patientId: 'P1',
      patientName: 'Doe^Jane',
      instanceCount: 1,
    });
    // In the STOW-RS response it is a failed instance (FailureReason A900), not an error of the request.
    expect(storeResponse(outcome)['00081198']).toMatchObject({
      Value: [{ '00081197': { vr: 'US', Value: [0xa900] } }],
    });
  });

  it('refuses an instance with the study’s PatientID but another PatientName', async () => {
    const { index, deps } = setup();
    const study = testUid();
    await storeInstances(
      deps,
      principal,
      [part(ctInstance({ studyInstanceUid: study, patientId: 'P1' }))],
      null,
    );

    const outcome = await storeInstances(
      deps,
      principal,
      [part(ctInstance({ studyInstanceUid: study, patientId: 'P1', patientName: 'Roe^Rick' }))],
      null,
    );

    expect(outcome.failed).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^patient-mismatch: PatientName/) }),
    ]);
    expect(index.instances).toHaveLength(1);
  });

  it('still stores an instance agreeing with the study’s patient, its name in other case and padding', async () => {
    const { index, objects, deps } = setup();
    const study = testUid();
    await storeInstances(
      deps,
      principal,
      [part(ctInstance({ studyInstanceUid: study, patientId: 'P1' }))],
      null,
    );

    const outcome = await storeInstances(
      deps,
      principal,
      [
        part(ctInstance({ studyInstanceUid: study, patientId: 'P1', patientName: 'DOE^JANE^^' })),
        part(ctInstance({ studyInstanceUid: study, patientId: 'P1' })),
      ],
      null,
    );

    expect(outcome.failed).toEqual([]);
    expect(outcome.referenced).toHaveLength(2);
    expect(objects.size).toBe(3);
    expect(index.studies.get(study)).toMatchObject({ instanceCount: 3 });
  });

  it('refuses within one request too: the request’s first instance founds the study', async () => {
    const { index, deps } = setup();
    const study = testUid();

    const outcome = await storeInstances(
      deps,
      principal,
      [
        part(ctInstance({ studyInstanceUid: study, patientId: 'P1' })),
        part(ctInstance({ studyInstanceUid: study, patientId: 'P2' })),
      ],
      null,
    );

    expect(outcome.referenced).toHaveLength(1);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.patients).toEqual(['P1']);
    expect(index.instances).toHaveLength(1);
  });

  it('removes the stored object when the index refuses the instance for another patient (a race)', async () => {
    const { index, objects, deps } = setup();
    index.answer = 'patient-mismatch';

    const outcome = await storeInstances(deps, principal, [part(ctInstance())], null);

    expect(outcome.failed).toEqual([
      expect.objectContaining({ failureReason: 0xa900, message: expect.stringMatching(/^patient-mismatch/) }),
    ]);
    expect(objects.size).toBe(0);
  });
});
