import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectPurger } from '../core/recoverable-deletes';

/** How a store without versioning (the local s3rver) refuses a version listing. */
const UNVERSIONED_STORE = new Set(['NotImplemented', 'MethodNotAllowed']);

/** DeleteObjects takes at most 1000 keys; an object has far fewer versions, but the bound is kept. */
const DELETE_BATCH = 1000;

/**
 * Removes every version and delete marker of one key from one bucket. On a store without versioning
 * (the local stand-in refuses a version listing) the only copy is the current object,
 * removed with a plain delete.
 */
export class S3ObjectPurger implements ObjectPurger {
  constructor(
    private readonly client: S3Client,
    private readonly bucketName: string,
  ) {}

  async purge(key: string): Promise<number> {
    const versions: { Key: string; VersionId: string }[] = [];
    try {
      let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
      for (;;) {
        const page = await this.client.send(
          new ListObjectVersionsCommand({ Bucket: this.bucketName, Prefix: key, ...markers }),
        );
        for (const entry of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
          // Prefix matching finds longer keys too; only this exact key is purged.
          if (entry.Key === key && entry.VersionId) versions.push({ Key: key, VersionId: entry.VersionId });
        }
        if (!page.IsTruncated) break;
        markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
      }
    } catch (error) {
      if (!UNVERSIONED_STORE.has(String((error as { name?: string }).name))) throw error;
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucketName, Key: key }));
      return 1;
    }
    for (let start = 0; start < versions.length; start += DELETE_BATCH) {
      const { Errors } = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucketName,
          Delete: { Objects: versions.slice(start, start + DELETE_BATCH), Quiet: true },
        }),
      );
      if (Errors && Errors.length > 0)
        throw new Error(`${Errors.length} object versions could not be purged`);
    }
    return versions.length;
  }
}
