/**
 * `npm run purge`: runs the scheduled purge of deleted studies once against the running local stack
 * (`npm start`), with the same handler the EventBridge schedule invokes in AWS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const config = JSON.parse(readFileSync(path.resolve('.pacscribe/local.json'), 'utf8')) as {
  region: string;
  endpoints: { dynamodb: string; s3: string };
  tables: { imaging: string; audit: string };
  imagingBucket: string;
};
Object.assign(process.env, {
  AWS_REGION: config.region,
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  AWS_ENDPOINT_URL_DYNAMODB: config.endpoints.dynamodb,
  AWS_ENDPOINT_URL_S3: config.endpoints.s3,
  IMAGING_TABLE_NAME: config.tables.imaging,
  AUDIT_TABLE_NAME: config.tables.audit,
  IMAGING_BUCKET_NAME: config.imagingBucket,
  IMAGING_REPLICA_BUCKET_NAME: 'pacscribe-local-imaging-replica',
  IMAGING_REPLICA_REGION: 'us-west-2',
});

async function main() {
  const { handler } = await import('../functions/imaging/handlers/purge-deleted-studies');
  console.log(JSON.stringify(await handler()));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
