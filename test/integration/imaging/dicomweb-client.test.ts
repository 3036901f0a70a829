import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { api } from 'dicomweb-client';
import XMLHttpRequest from 'xhr2';
import { ctInstance, testUid } from '../../support/dicom-files';
import { localConfig } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { sopOf } from '../../support/stow';

/**
 * PACScribe driven by dicomweb-client, the DICOMweb library OHIF is built on, exactly as a viewer or
 * script would use it: its own multipart encoding, query strings, Accept headers and response parsing.
 */

// dicomweb-client speaks XMLHttpRequest; xhr2 provides it in Node, trusting only the local stack's CA.
XMLHttpRequest.nodejsSet({ httpsAgent: new Agent({ ca: readFileSync(localConfig().caCertPath) }) });
(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = XMLHttpRequest;

interface Study {
  studyInstanceUID: string;
}
interface Series extends Study {
  seriesInstanceUID: string;
}
interface Instance extends Series {
  sopInstanceUID: string;
}

/** The methods used here; the package's generated typings mark optional options as required. */
interface DicomwebClient {
  storeInstances(options: { datasets: ArrayBuffer[] }): Promise<unknown>;
  searchForStudies(options: { queryParams: Record<string, string> }): Promise<DicomJson[]>;
  searchForSeries(options: Study): Promise<DicomJson[]>;
  searchForInstances(options: Series): Promise<DicomJson[]>;
  retrieveInstance(options: Instance): Promise<ArrayBuffer>;
  retrieveSeries(options: Series): Promise<ArrayBuffer[]>;
  retrieveStudy(options: Study): Promise<ArrayBuffer[]>;
  retrieveInstanceFrames(options: Instance & { frameNumbers: number[] }): Promise<ArrayBuffer[]>;
  retrieveInstanceMetadata(options: Instance): Promise<DicomJson[]>;
  retrieveBulkData(options: { BulkDataURI: string }): Promise<ArrayBuffer[]>;
  retrieveStudyMetadata(options: Study): Promise<DicomJson[]>;
  retrieveSeriesMetadata(options: Series): Promise<DicomJson[]>;
}

const clientFor = (token: string) =>
  new api.DICOMwebClient({
    url: `${localConfig().apiUrl}/dicomweb`,
    headers: { Authorization: `Bearer ${token}` },
    verbose: false,
  } as never) as unknown as DicomwebClient;

type DicomJson = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>;
const firstValue = (dataset: DicomJson, tag: string) => dataset[tag]?.Value?.[0];

const toArrayBuffer = (bytes: Buffer) =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

let org: TestOrganization;
let other: TestOrganization;
const study = testUid();
const seriesUid = testUid();
const files = [1, 2, 3].map(() =>
  ctInstance({
    studyInstanceUid: study,
    seriesInstanceUid: seriesUid,
    patientId: 'PID-CLIENT-1',
    patientName: 'Client^Interop',
    studyDate: '20261102',
  }),
);

beforeAll(async () => {
  org = await freshOrganization('dicomweb-client');
  other = await freshOrganization('dicomweb-client-other');
});

describe('dicomweb-client against PACScribe', () => {
  it('stores a study with storeInstances', async () => {
    const client = clientFor(org.users.technologist.accessToken);

    await client.storeInstances({ datasets: files.map(toArrayBuffer) });

    const found = await client.searchForStudies({
      queryParams: { StudyInstanceUID: study },
    });
    expect(found).toHaveLength(1);
  });

  it('finds the study, its series and its instances with the search methods', async () => {
    const client = clientFor(org.users.radiologist.accessToken);

    const studies = await client.searchForStudies({
      queryParams: { PatientName: 'client*', StudyDate: '20261101-20261103' },
    });
    const seriesList = await client.searchForSeries({ studyInstanceUID: study });
    const instances = await client.searchForInstances({
      studyInstanceUID: study,
      seriesInstanceUID: seriesUid,
    });

    expect(studies.map((found) => firstValue(found, '0020000D'))).toEqual([study]);
    expect(firstValue(studies[0] as DicomJson, '00100010')).toEqual({ Alphabetic: 'Client^Interop' });
    expect(firstValue(studies[0] as DicomJson, '00201208')).toBe(3);
    expect(seriesList.map((found) => firstValue(found, '0020000E'))).toEqual([seriesUid]);
    expect(instances.map((found) => firstValue(found, '00080018')).sort()).toEqual(files.map(sopOf).sort());
  });

  it('retrieves each instance byte for byte with retrieveInstance', async () => {
    const client = clientFor(org.users.clinician.accessToken);

    for (const file of files) {
      const retrieved = await client.retrieveInstance({
        studyInstanceUID: study,
        seriesInstanceUID: seriesUid,
        sopInstanceUID: sopOf(file),
      });
      expect(Buffer.from(retrieved).equals(file)).toBe(true);
    }
  });

  it('retrieves the whole series and study, each instance byte for byte', async () => {
    const client = clientFor(org.users.radiologist.accessToken);

    const series = await client.retrieveSeries({ studyInstanceUID: study, seriesInstanceUID: seriesUid });
    const whole = await client.retrieveStudy({ studyInstanceUID: study });

    const sorted = (list: ArrayBuffer[]) => list.map((bytes) => Buffer.from(bytes)).sort(Buffer.compare);
    expect(sorted(series)).toEqual([...files].sort(Buffer.compare));
    expect(sorted(whole)).toEqual([...files].sort(Buffer.compare));
  });

  it('retrieves frames, instance metadata and the pixel data its BulkDataURI names', async () => {
    const client = clientFor(org.users.clinician.accessToken);
    const ids = {
      studyInstanceUID: study,
      seriesInstanceUID: seriesUid,
      sopInstanceUID: sopOf(files[0] as Buffer),
    };
    const pixels = (files[0] as Buffer).subarray(-(32 * 32 * 2));

    const [frame] = await client.retrieveInstanceFrames({ ...ids, frameNumbers: [1] });
    const [metadata] = await client.retrieveInstanceMetadata(ids);
    const bulkDataUri = String(metadata?.['7FE00010']?.BulkDataURI);
    const [bulk] = await client.retrieveBulkData({ BulkDataURI: bulkDataUri });

    expect(Buffer.from(frame as ArrayBuffer).equals(pixels)).toBe(true);
    expect(firstValue(metadata as DicomJson, '00080018')).toBe(ids.sopInstanceUID);
    expect(Buffer.from(bulk as ArrayBuffer).equals(pixels)).toBe(true);
  });

  it('reads study and series metadata as DICOM JSON', async () => {
    const client = clientFor(org.users.radiologist.accessToken);

    const studyMetadata = await client.retrieveStudyMetadata({ studyInstanceUID: study });
    const seriesMetadata = await client.retrieveSeriesMetadata({
      studyInstanceUID: study,
      seriesInstanceUID: seriesUid,
    });

    expect(studyMetadata).toHaveLength(3);
    expect(seriesMetadata.map((instance) => firstValue(instance, '00080018')).sort()).toEqual(
      files.map(sopOf).sort(),
    );
    expect(firstValue(seriesMetadata[0] as DicomJson, '00100020')).toBe('PID-CLIENT-1');
  });

  it('[PP-06] [PP-07] answers another organization as missing, and refuses a store without upload permission', async () => {
    const outsider = clientFor(other.users.radiologist.accessToken);
    const viewer = clientFor(org.users.clinician.accessToken);

    await expect(outsider.retrieveStudyMetadata({ studyInstanceUID: study })).rejects.toMatchObject({
      status: 404,
    });
    await expect(viewer.storeInstances({ datasets: [toArrayBuffer(ctInstance())] })).rejects.toMatchObject({
      status: 403,
    });
  });
});
