import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { readMultipartRelated } from '../../../functions/imaging/core/multipart-related';
import { type ApiResponse, callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';

/** Transfer-syntax negotiation that converts on retrieval, over HTTPS, on real vendor samples. */
const SAMPLES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const EXPLICIT = '1.2.840.10008.1.2.1';
const JPEG_LS = '1.2.840.10008.1.2.4.80';

const dicomOf = (syntax: string) => `multipart/related; type="application/dicom"; transfer-syntax=${syntax}`;

function idsOf(file: Buffer) {
  const dataSet = dicomParser.parseDicom(file, { untilTag: 'x7fe00010' });
  const [study, series, instance] = ['x0020000d', 'x0020000e', 'x00080018'].map((tag) => dataSet.string(tag));
  return `/dicomweb/studies/${study}/series/${series}/instances/${instance}`;
}

function pixelsOf(file: Uint8Array) {
  const dataSet = dicomParser.parseDicom(file);
  const element = dataSet.elements.x7fe00010;
  const start = element?.dataOffset ?? 0;
  return {
    syntax: dataSet.string('x00020010'),
    pixels: Buffer.from(file.subarray(start, start + (element?.length ?? 0))),
  };
}

const partsOf = (response: ApiResponse, type: string) =>
  readMultipartRelated(response.bytes, String(response.headers['content-type']), type, {
    maxParts: 10,
    maxPartBytes: 16 * 1024 * 1024,
    maxHeaderBytes: 8 * 1024,
  });

let org: TestOrganization;
let mrRle: string;
let doseRle: string;
let lossy: string;
const original = pixelsOf(readFileSync(`${SAMPLES}/MR_small.dcm`)).pixels;

beforeAll(async () => {
  org = await freshOrganization('transcoding');
  const files = ['MR_small_RLE.dcm', 'rtdose_rle.dcm', 'SC_rgb_jpeg_dcmtk.dcm'].map((name) =>
    readFileSync(`${SAMPLES}/${name}`),
  );
  expect((await stow(org.users.technologist.accessToken, files)).status).toBe(200);
  [mrRle, doseRle, lossy] = files.map(idsOf) as [string, string, string];
});

const get = (path: string, accept: string) =>
  callApi('GET', path, { token: org.users.clinician.accessToken, headers: { accept } });

describe('transcoding on retrieval', () => {
  it('sends an RLE instance as Explicit VR Little Endian, the pixels of the uncompressed original', async () => {
    const response = await get(mrRle, dicomOf(EXPLICIT));
    expect(response.status).toBe(200);
    const [part] = partsOf(response, 'application/dicom');
    expect(response.text).toContain(`Content-Type: application/dicom; transfer-syntax=${EXPLICIT}\r\n`);
    const sent = pixelsOf(part?.body as Uint8Array);
    expect(sent.syntax).toBe(EXPLICIT);
    expect(sent.pixels.equals(original)).toBe(true);
  });

  it('recompresses a lossless instance to JPEG-LS lossless', async () => {
    const response = await get(mrRle, dicomOf(JPEG_LS));
    expect(response.status).toBe(200);
    const [part] = partsOf(response, 'application/dicom');
    expect(pixelsOf(part?.body as Uint8Array).syntax).toBe(JPEG_LS);
  });

  it('decompresses lossy JPEG, but refuses to relabel it as lossless (406)', async () => {
    expect((await get(lossy, dicomOf(EXPLICIT))).status).toBe(200);
    const refused = await get(lossy, dicomOf(JPEG_LS));
    expect(refused.status).toBe(406);
    expect(refused.json().error.code).toBe('not_acceptable');
  });

  it('decodes RLE frames to native little endian octets on request', async () => {
    const response = await get(
      `${doseRle}/frames/3`,
      `multipart/related; type="application/octet-stream"; transfer-syntax=${EXPLICIT}`,
    );
    expect(response.status).toBe(200);
    const [part] = partsOf(response, 'application/octet-stream');
    const frameBytes = 10 * 10 * 4;
    const native = pixelsOf(readFileSync(`${SAMPLES}/rtdose.dcm`)).pixels.subarray(
      2 * frameBytes,
      3 * frameBytes,
    );
    expect(Buffer.from(part?.body as Uint8Array).equals(native)).toBe(true);
  });
});
