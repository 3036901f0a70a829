import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { once } from '../once';

/**
 * One client per AWS service per process. Endpoints come from the SDK's standard
 * AWS_ENDPOINT_URL_<SERVICE> variables, which only the local stack sets: the code path is the same.
 */
export const dynamoDocumentClient = /* @__PURE__ */ once(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  }),
);
export const cognitoClient = /* @__PURE__ */ once(() => new CognitoIdentityProviderClient({}));
export const sesClient = /* @__PURE__ */ once(() => new SESv2Client({}));
export const sfnClient = /* @__PURE__ */ once(() => new SFNClient({}));
/** In-VPC functions reach their out-of-VPC relays (JWKS, Stripe invoices) through the Lambda endpoint. */
export const lambdaClient = /* @__PURE__ */ once(() => new LambdaClient({}));
// Path-style only matters for the local stand-in; AWS accepts both.
export const s3Client = /* @__PURE__ */ once(
  () => new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) }),
);
/**
 * For reads PACScribe checks itself: every whole stored instance is hashed against the SHA-256 recorded at
 * ingest before any of it is sent (verified-read.ts), and S3 sends no checksum for a range. By default the
 * SDK would ask S3 for the object's stored checksum and hash every whole GET a second time.
 */
export const SELF_VERIFIED_READS = { responseChecksumValidation: 'WHEN_REQUIRED' } as const;
export const s3SelfVerifyingClient = /* @__PURE__ */ once(
  () => new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3), ...SELF_VERIFIED_READS }),
);
/**
 * For presigned URLs only: by default the SDK would sign a CRC32 of an empty body into every URL, which
 * no real upload matches.
 */
export const s3PresigningClient = /* @__PURE__ */ once(
  () =>
    new S3Client({
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
);
