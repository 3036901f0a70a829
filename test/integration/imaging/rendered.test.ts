import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import { readMultipartRelated } from '../../../functions/imaging/core/multipart-related';
import { type ApiResponse, callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';

/**
 * Rendered and thumbnail resources over HTTPS, on real vendor samples: a 64×64 MR (RLE) and a 15-frame
 * RT dose (RLE, 32-bit), both in one study of their own per file.
 */
const SAMPLES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

interface Sample {
  study: string;
  series: string;
  instance: string;
  path: string;
}

function sampleOf(name: string): { file: Buffer; ids: Sample } {
  const file = readFileSync(`${SAMPLES}/${name}`);
  const dataSet = dicomParser.parseDicom(file, { untilTag: 'x7fe00010' });
  const [study, series, instance] = ['x0020000d', 'x0020000e', 'x00080018'].map(
    (tag) => dataSet.string(tag) ?? '',
  ) as [string, string, string];
  return {
    file,
    ids: {
      study,
      series,
      instance,
      path: `/dicomweb/studies/${study}/series/${series}/instances/${instance}`,
    },
  };
}

let org: TestOrganization;
let other: TestOrganization;
let mr: Sample;
let dose: Sample;

const get = (path: string, accept?: string, token = org.users.radiologist.accessToken) =>
  callApi('GET', path, { token, headers: accept ? { accept } : {} });

const imageOf = async (response: ApiResponse | Buffer) =>
  sharp(Buffer.isBuffer(response) ? response : response.bytes).metadata();

const partsOf = (response: ApiResponse, type: string) =>
  readMultipartRelated(response.bytes, String(response.headers['content-type']), type, {
    maxParts: 200,
    maxPartBytes: 16 * 1024 * 1024,
    maxHeaderBytes: 8 * 1024,
  });

beforeAll(async () => {
  org = await freshOrganization('rendered');
  other = await freshOrganization('rendered-other');
  const samples = [sampleOf('MR_small_RLE.dcm'), sampleOf('rtdose_rle.dcm')];
  const stored = await stow(
    org.users.technologist.accessToken,
    samples.map((sample) => sample.file),
  );
  expect(stored.status).toBe(200);
  [mr, dose] = samples.map((sample) => sample.ids) as [Sample, Sample];
});

describe('rendered resources', () => {
  it('renders an instance as PNG when asked, JPEG by default', async () => {
    const png = await get(`${mr.path}/rendered`, 'image/png');
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(await imageOf(png)).toMatchObject({ format: 'png', width: 64, height: 64, channels: 1 });

    const jpeg = await get(`${mr.path}/rendered`);
    expect(jpeg.headers['content-type']).toBe('image/jpeg');
    expect(await imageOf(jpeg)).toMatchObject({ format: 'jpeg', width: 64, height: 64 });
  });

  it('renders listed frames one per part, in the requested order, and only those', async () => {
    const response = await get(`${dose.path}/frames/3,1/rendered`, 'multipart/related; type="image/png"');
    expect(response.status).toBe(200);
    const parts = partsOf(response, 'image/png');
    expect(parts).toHaveLength(2);
    const [first, second] = parts.map((part) => Buffer.from(part.body));
    expect(await imageOf(first as Buffer)).toMatchObject({ format: 'png', width: 10, height: 10 });
    expect(first?.equals(second as Buffer)).toBe(false);
    expect(response.text).toContain(`Content-Location: ${dose.path}/frames/3/rendered`);
  });

  it('applies the window and viewport of the request', async () => {
    const narrow = await get(`${mr.path}/rendered?window=600,100,linear&viewport=32,32`, 'image/png');
    const wide = await get(`${mr.path}/rendered?window=600,1600,sigmoid&viewport=32,32`, 'image/png');
    expect(await imageOf(narrow)).toMatchObject({ width: 32, height: 32 });
    expect(narrow.bytes.equals(wide.bytes)).toBe(false);
  });

  it('renders a study one part per image instance, and thumbnails as one small image', async () => {
    const study = await get(`/dicomweb/studies/${mr.study}/rendered`, 'multipart/related; type="image/jpeg"');
    expect(study.status).toBe(200);
    expect(partsOf(study, 'image/jpeg')).toHaveLength(1);

    const thumbnail = await get(`/dicomweb/studies/${dose.study}/thumbnail`, 'image/png');
    expect(thumbnail.status).toBe(200);
    const size = await imageOf(thumbnail);
    expect(Math.max(size.width ?? 0, size.height ?? 0)).toBeLessThanOrEqual(128);
    for (const path of [
      `/dicomweb/studies/${mr.study}/series/${mr.series}/thumbnail`,
      `${mr.path}/thumbnail`,
      `${dose.path}/frames/2/thumbnail`,
    ]) {
      expect((await get(path, 'image/jpeg')).status).toBe(200);
    }
  });

  it('[PP-07] answers another organization as not found', async () => {
    const response = await get(`${mr.path}/rendered`, 'image/png', other.users.radiologist.accessToken);
    expect(response.status).toBe(404);
    expect(response.json().error.code).toBe('not_found');
  });
});

describe('rendered resources refuse bad input with a 4xx and a code', () => {
  it.each([
    ['a frame beyond the instance', () => `${dose.path}/frames/99/rendered`, 404, 'not_found'],
    ['a malformed frame list', () => `${dose.path}/frames/0/rendered`, 400, 'invalid_request'],
    ['a 100,000-pixel viewport', () => `${mr.path}/rendered?viewport=100000,100`, 400, 'invalid_request'],
    [
      'a region outside the image',
      () => `${mr.path}/rendered?viewport=10,10,60,60,10,10`,
      400,
      'invalid_request',
    ],
    ['a window of zero width', () => `${mr.path}/rendered?window=600,0,linear`, 400, 'invalid_request'],
    ['a linear window below 1', () => `${mr.path}/rendered?window=600,0.5,linear`, 400, 'invalid_request'],
    ['an unknown VOI function', () => `${mr.path}/rendered?window=600,10,gamma`, 400, 'invalid_request'],
    ['a quality of 0', () => `${mr.path}/rendered?quality=0`, 400, 'invalid_request'],
  ])('%s', async (_case, pathOf, status, code) => {
    // Paths are built lazily: the samples' UIDs are known once stored.
    const response = await get(pathOf(), 'image/png');
    expect(response.status).toBe(status);
    expect(response.json().error.code).toBe(code);
  });

  it('answers an unknown media type with 406', async () => {
    for (const accept of ['image/gif', 'application/dicom', 'video/mp4']) {
      const response = await get(`${mr.path}/rendered`, accept);
      expect(response.status).toBe(406);
      expect(response.json().error.code).toBe('not_acceptable');
    }
  });
});
