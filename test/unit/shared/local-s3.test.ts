import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { startS3Process } from '../../../scripts/local/services/s3';

describe('the local S3 (s3rver in a process of its own)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pacscribe-local-s3-'));
  let s3: { endpoint: string; stop: () => Promise<void> };
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startS3Process(dataDir, 0, ['listing']);
    client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await s3.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // s3rver's continuation tokens are DES-encrypted, which OpenSSL 3 refuses unless its legacy provider is
  // loaded: without it, any listing longer than a page (1,000 keys) fails with InternalError, e.g. the
  // audit witness resuming after more than 1,000 checkpoints, or audit:verify over more than 1,000 records.
  it('lists past a page: a continuation token takes the next request on from where the last page ended', async () => {
    const keys = ['a/1', 'a/2', 'a/3', 'a/4', 'a/5'];
    for (const key of keys)
      await client.send(new PutObjectCommand({ Bucket: 'listing', Key: key, Body: key }));

    const first = await client.send(
      new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'a/', MaxKeys: 2 }),
    );
    expect(first.IsTruncated).toBe(true);
    expect(first.NextContinuationToken).toEqual(expect.any(String));

    const listed: string[] = [];
    const pages = paginateListObjectsV2({ client, pageSize: 2 }, { Bucket: 'listing', Prefix: 'a/' });
    for await (const page of pages) listed.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    expect(listed).toEqual(keys);
  });
});
