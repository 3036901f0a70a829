import { ImagingEnvSchema } from '#schemas/shared/env';
import { dynamoDocumentClient, s3Client } from '../shared/aws/clients';
import { once } from '../shared/once';
import { systemClock, uuidIds } from '../shared/ports';
import { DynamoImagingIndex } from './adapters/dynamo-imaging-index';
import { S3ObjectStore } from './adapters/s3-object-store';

/** Each function gets only what its bindings set: QIDO has the table, STOW and WADO also the bucket. */
export const imagingIndex = once(
  () =>
    new DynamoImagingIndex(
      dynamoDocumentClient(),
      ImagingEnvSchema.pick({ IMAGING_TABLE_NAME: true }).parse(process.env).IMAGING_TABLE_NAME,
    ),
);

export const imagingObjects = once(
  () =>
    new S3ObjectStore(
      s3Client(),
      ImagingEnvSchema.pick({ IMAGING_BUCKET_NAME: true }).parse(process.env).IMAGING_BUCKET_NAME,
    ),
);

export const storeDeps = once(() => ({
  index: imagingIndex(),
  objects: imagingObjects(),
  clock: systemClock,
  ids: uuidIds,
}));
