import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * Presigned GET URLs of stored Part-10 objects, signed with the function's own role (which may read the
 * imaging bucket and decrypt through S3), answered as `application/dicom`.
 */
export class S3ObjectLinks {
  constructor(
    /** A client that adds no flexible checksum to presigned URLs (a plain HTTP client could not match it). */
    private readonly presigningClient: S3Client,
    private readonly bucketName: string,
  ) {}

  presign(key: string, seconds: number): Promise<string> {
    return getSignedUrl(
      this.presigningClient,
      new GetObjectCommand({ Bucket: this.bucketName, Key: key, ResponseContentType: 'application/dicom' }),
      { expiresIn: seconds },
    );
  }
}
