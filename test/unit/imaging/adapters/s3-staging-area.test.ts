import {
  CompleteMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { S3StagingArea } from '../../../../functions/imaging/adapters/s3-staging-area';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };
const client = new S3Client({ region: 'us-east-1', credentials });
const s3 = mockClient(client);
afterEach(() => s3.reset());
/** The same settings as the project's presigning client (functions/shared/aws/clients.ts). */
const presigning = new S3Client({
  region: 'us-east-1',
  credentials,
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const staging = new S3StagingArea(client, presigning, 'imaging-bucket');

const s3Error = (name: string, status = 400) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status } });

describe('S3StagingArea', () => {
  it('signs each part URL for its exact Content-Length, with nothing a browser could not send', async () => {
    const url = new URL(
      await staging.presignPart('uploads/random-1', 'upload-9', { partNumber: 3, sizeBytes: 5242880 }, 900),
    );

    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(
      'https://imaging-bucket.s3.us-east-1.amazonaws.com/uploads/random-1',
    );
    expect(url.searchParams.get('partNumber')).toBe('3');
    expect(url.searchParams.get('uploadId')).toBe('upload-9');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['content-length', 'host']);
    // The SDK's default would sign a CRC32 of an empty body into the URL, which no real part matches.
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
  });

  it('maps rejected parts and a consumed upload to results, and passes other failures on', async () => {
    const parts = [{ partNumber: 1, etag: '"a"' }];
    s3.on(CompleteMultipartUploadCommand)
      .rejectsOnce(s3Error('InvalidPart'))
      .rejectsOnce(s3Error('NoSuchUpload', 404));

    await expect(staging.completeUpload('uploads/k', 'u', parts)).resolves.toBe('parts-rejected');
    await expect(staging.completeUpload('uploads/k', 'u', parts)).resolves.toBe('no-such-upload');
    s3.on(CompleteMultipartUploadCommand).rejects(s3Error('SlowDown', 503));
    await expect(staging.completeUpload('uploads/k', 'u', parts)).rejects.toThrow();
  });

  it('reads the staged object in bounded ranges, from a resume offset to its end', async () => {
    const size = 40 * 1024 * 1024;
    s3.on(GetObjectCommand).callsFake((input: { Range: string }) => {
      const [start = 0, end = 0] = input.Range.replace('bytes=', '').split('-').map(Number);
      const body = { transformToByteArray: async () => new Uint8Array(end - start + 1) };
      return { Body: body as never };
    });

    const lengths: number[] = [];
    for await (const chunk of staging.read('uploads/k', 1000, size)) lengths.push(chunk.length);

    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Range)).toEqual([
      'bytes=1000-16778215',
      'bytes=16778216-33555431',
      'bytes=33555432-41943039',
    ]);
    expect(lengths.reduce((total, length) => total + length, 0)).toBe(size - 1000);
  });

  it('answers null for the size of an object that is not there', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));

    await expect(staging.sizeOf('uploads/gone')).resolves.toBeNull();
  });
});
