import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Settings every PACScribe bucket shares: private, versioned, TLS-only with a TLS 1.2 floor [PP-10]
 * (`minimumTLSVersion` adds a Deny on s3:TlsVersion < 1.2 next to the aws:SecureTransport Deny),
 * object ownership enforced (no ACLs) and retained when its stack goes.
 */
export const BUCKET_BASELINE = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  versioned: true,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  removalPolicy: RemovalPolicy.RETAIN,
} as const satisfies s3.BucketProps;
