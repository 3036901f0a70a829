import { STOW_TIME_RESERVE_MS, storeFromRequest } from '../../../../functions/imaging/http/store-request';
import { ctInstance, testUid } from '../../../support/dicom-files';
import { uploader } from '../../../support/imaging-fakes';
import { STOW_BOUNDARY, STOW_CONTENT_TYPE } from '../../../support/stow';

const principal = uploader;

/** A STOW body whose first part is not DICOM (refused without storage), then DICOM files. */
function body(files: Buffer[]): Buffer {
  const part = (type: string, content: Buffer) => [
    Buffer.from(`--${STOW_BOUNDARY}\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from('\r\n'),
  ];
  return Buffer.concat([
    ...part('text/plain', Buffer.from('not an image')),
    ...files.flatMap((file) => part('application/dicom', file)),
    Buffer.from(`--${STOW_BOUNDARY}--\r\n`),
  ]);
}

describe('STOW-RS within the function’s time', () => {
  beforeAll(() => {
    // The composition root's bindings; nothing is sent to them in this test.
    process.env.IMAGING_TABLE_NAME ??= 'imaging';
    process.env.IMAGING_BUCKET_NAME ??= 'imaging';
  });

  it('answers with the instances it had no time left for, by name, as failures to send again', async () => {
    const sops = [testUid(), testUid()];
    const files = sops.map((sopInstanceUid) => ctInstance({ sopInstanceUid }));

    const result = await storeFromRequest(
      {
        principal,
        raw: {
          header: (name) => (name === 'content-type' ? STOW_CONTENT_TYPE : undefined),
          queryParameters: {},
          body: () => body(files),
          sourceIp: null,
        },
        audit: { objects: [], reason: null, subject: null },
        remainingTimeMs: () => STOW_TIME_RESERVE_MS - 1,
      },
      null,
    );

    // None stored: the first part was not DICOM, the others were not started.
    expect(result.statusCode).toBe(409);
    const failed = (result.body as Record<string, { Value: Record<string, { Value: unknown[] }>[] }>)[
      '00081198'
    ]?.Value;
    expect(failed?.map((item) => [item['00081155']?.Value?.[0], item['00081197']?.Value?.[0]])).toEqual([
      [undefined, 0xc000],
      [sops[0], 0xa700],
      [sops[1], 0xa700],
    ]);
  });
});
