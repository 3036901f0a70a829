import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { type RunningServer, startOrthanc } from '../../../scripts/bench/servers';
import { ctInstance, testUid } from '../../support/dicom-files';
import { localConfig } from '../../support/local-client';
import { freshOrganization } from '../../support/organizations';
import { STOW_CONTENT_TYPE, sopOf, stowBody } from '../../support/stow';

/**
 * A facility's existing archive, as it is: Orthanc 1.10 from Debian with its DICOMweb plugin, configured
 * with PACScribe as a DICOMweb server (bearer token, the local CA). Orthanc pushes a study (STOW-RS, its
 * own long multipart boundary), queries it (QIDO-RS) and retrieves it back (WADO-RS) unchanged.
 */
let orthanc: RunningServer;
let rest: string;

beforeAll(async () => {
  const config = localConfig();
  const org = await freshOrganization('orthanc-interop');
  orthanc = await startOrthanc({
    dicomwebServers: {
      pacscribe: {
        url: `${config.apiUrl}/dicomweb/`,
        httpHeaders: { Authorization: `Bearer ${org.users.technologist.accessToken}` },
      },
    },
    httpsCaCertificates: config.caCertPath,
  });
  rest = orthanc.restUrl ?? '';
}, 120_000);

afterAll(async () => {
  await orthanc?.stop();
});

async function orthancCall(method: string, path: string, body?: unknown) {
  const response = await fetch(`${rest}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : typeof body === 'string'
        ? { body }
        : Buffer.isBuffer(body)
          ? { body, headers: { 'content-type': 'application/dicom' } }
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Orthanc ${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

describe("interoperability with Orthanc's DICOMweb client", () => {
  it('Orthanc pushes a study to PACScribe, finds it, and retrieves it back byte for byte', async () => {
    const study = testUid();
    const series = testUid();
    const files = [1, 2, 3].map(() =>
      ctInstance({ studyInstanceUid: study, seriesInstanceUid: series, patientId: 'PID-ORTHANC' }),
    );
    let orthancStudy = '';
    for (const file of files) orthancStudy = (await orthancCall('POST', '/instances', file)).ParentStudy;

    // STOW-RS by Orthanc's own client, as an administrator would trigger it.
    await orthancCall('POST', '/dicom-web/servers/pacscribe/stow', {
      Resources: [orthancStudy],
      Synchronous: true,
    });

    // QIDO-RS through Orthanc.
    const found = await orthancCall('POST', '/dicom-web/servers/pacscribe/get', {
      Uri: '/studies',
      Arguments: { StudyInstanceUID: study },
    });
    expect(found).toHaveLength(1);
    expect(found[0]['0020000D'].Value).toEqual([study]);
    expect(found[0]['00201208'].Value).toEqual([3]);

    // WADO-RS back into an Orthanc that no longer has the study.
    await orthancCall('DELETE', `/studies/${orthancStudy}`);
    await orthancCall('POST', '/dicom-web/servers/pacscribe/retrieve', {
      Resources: [{ Study: study }],
      Synchronous: true,
    });
    for (const file of files) {
      const [match] = await orthancCall('POST', '/tools/lookup', sopOf(file));
      expect(match?.Type).toBe('Instance');
      const returned = Buffer.from(await (await fetch(`${rest}/instances/${match.ID}/file`)).arrayBuffer());
      expect(returned.equals(file)).toBe(true);
    }
  });
});

describe('what other deployed clients send', () => {
  it('stores a STOW-RS body sent in chunks, without a Content-Length', async () => {
    const config = localConfig();
    const org = await freshOrganization('chunked-stow');
    const file = ctInstance();
    const body = stowBody([file]);
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        `${config.apiUrl}/dicomweb/studies`,
        {
          method: 'POST',
          ca: readFileSync(config.caCertPath),
          headers: {
            authorization: `Bearer ${org.users.technologist.accessToken}`,
            'content-type': STOW_CONTENT_TYPE,
            'transfer-encoding': 'chunked',
            accept: 'application/dicom+json',
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      outgoing.on('error', reject);
      for (let offset = 0; offset < body.length; offset += 1000)
        outgoing.write(body.subarray(offset, offset + 1000));
      outgoing.end();
    });

    expect(status).toBe(200);
  });
});
