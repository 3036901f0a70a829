import * as z from 'zod';
import { CAPACITY_PROFILES, type CapacityProfile } from '#infra/api/capacity-model';
import { CONSOLE_PATH } from '#schemas/console/console-config';

/**
 * Deployment settings. infra/app.ts is the only place that reads them (CDK context, then env);
 * everything else receives the parsed, typed config. Defaults make `cdk synth` work offline.
 */
const regionName = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region name such as us-east-1');
/**
 * A browser origin (https, no path): CORS compares it with the Origin header byte for byte, so a
 * trailing slash or path would never match.
 */
const httpsOrigin = z
  .url({ protocol: /^https$/ })
  .refine(
    (value) => URL.canParse(value) && new URL(value).origin === value,
    'must be an https origin without path or trailing slash',
  );
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** CloudFront reads viewer certificates and web ACLs only from us-east-1, whatever the stack's region. */
export const CLOUDFRONT_REGION = 'us-east-1';
const inCloudFrontRegion = (service: string) =>
  z
    .string()
    .regex(
      new RegExp(`^arn:aws[a-z-]*:${service}:${CLOUDFRONT_REGION}:\\d{12}:`),
      `must be a ${service} ARN in ${CLOUDFRONT_REGION} (CloudFront only reads it there)`,
    );

export const AppConfigSchema = z.object({
  account: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .default('111111111111'),
  primaryRegion: regionName.default('us-east-1'),
  replicaRegion: regionName.default('us-west-2'),
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,15}$/, 'lowercase letters, digits and dashes')
    .default('dev'),
  domainName: z.string().min(3).default('api.pacscribe.example'),
  /** An existing ACM certificate for domainName in the primary region; otherwise one is requested (DNS validation). */
  certificateArn: z.string().startsWith('arn:').optional(),
  mailFromAddress: z.email().default('no-reply@pacscribe.example'),
  appBaseUrl: z.url().default('https://app.pacscribe.example'),
  /**
   * The console's certificate for appBaseUrl's host, in us-east-1. Required when primaryRegion is another
   * region; in us-east-1 one is requested (DNS validation) when absent.
   */
  consoleCertificateArn: inCloudFrontRegion('acm').optional(),
  /**
   * A CLOUDFRONT-scope web ACL (us-east-1) for the console when primaryRegion is another region; in
   * us-east-1 the console stack creates its own and this is ignored.
   */
  consoleWebAclArn: inCloudFrontRegion('wafv2').optional(),
  /** Mail to this address opens a support ticket (SES receiving). */
  supportAddress: z.email().default('support@pacscribe.example'),
  appVersion: z.string().min(1).default('dev'),
  /**
   * Browser viewers allowed to call /dicomweb/* cross-origin (CORS). `cdk -c` passes a string, so a
   * comma-separated list is accepted too.
   */
  dicomwebCorsOrigins: z
    .preprocess(
      (value) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((origin) => origin.trim())
              .filter(Boolean)
          : value,
      z.array(httpsOrigin).min(1),
    )
    .default(['https://viewer.pacscribe.example']),
  /**
   * The load the deployment is sized for (infra/api/capacity-model.ts, docs/capacity.md): WAF rate limits,
   * reserved concurrency, the stage throttle and each organization's allowance all follow from it.
   */
  capacityProfile: z.enum(CAPACITY_PROFILES as [CapacityProfile, ...CapacityProfile[]]).default('platform'),
  /** Reserved concurrency of the background functions (ingest, mail, archive); API functions follow the capacity model. */
  lambdaReservedConcurrency: integer(1, 1000).default(20),
  /** The account's Lambda concurrency quota in the primary region; the capacity model is checked against it at synth. */
  lambdaAccountConcurrency: integer(100, 1_000_000).default(1000),
  /** Requests per 5 minutes from one IP to the public sign-up routes (WAF's minimum is 10); the local router's default matches. */
  wafSignupRateLimitPer5Minutes: integer(10, 2_000_000_000).default(10),
  /** CloudTrail files. HIPAA §164.316(b)(2)(i): audit documentation is kept six years (2192 days covers leap days). */
  auditRetentionDays: integer(1, 3650).default(2192),
  /** Object Lock (COMPLIANCE) on the audit-record archive; never below six years, in any stage. */
  auditArchiveRetentionDays: integer(2192, 36500).default(2192),
  backupRetentionDays: integer(7, 3650).default(35),
  /** Support tickets, messages and grants are kept this long after their last write (six years). */
  supportRetentionDays: integer(1, 36500).default(2192),
  /** Days a deleted study stays restorable before the scheduled purge removes it in both regions. */
  deletedStudyRetentionDays: integer(1, 3650).default(30),
  /**
   * PHI functions run in private isolated subnets reaching AWS only through VPC endpoints (infra/shared/
   * private-network.ts) [PP-18]. `cdk -c vpcIsolation=false` keeps every function outside a VPC, as before.
   */
  vpcIsolation: z
    .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean())
    .default(true),
  /**
   * Zones the private subnets span (the region's first ones; us-west-1 has two). Each interface endpoint
   * is billed per zone-hour (docs/capacity.md).
   */
  vpcZoneCount: integer(2, 3).default(2),
  /** Subscribed to the operational alarm topic (infra/shared/observability.ts); unset, ops subscribe their own. */
  alarmEmail: z.email().optional(),
});

export type AppConfig = z.infer<typeof AppConfigSchema>;

/**
 * The web console's address: CloudFront serves it on appBaseUrl's host under /console/, and the customer
 * pool's client registers it as the console's OAuth redirect and sign-out URL.
 */
export const consoleUrl = (config: Pick<AppConfig, 'appBaseUrl'>) =>
  `${new URL(config.appBaseUrl).origin}${CONSOLE_PATH}`;

/** The context keys app.ts looks up; exported so tests can pass the same names. */
export const APP_CONFIG_KEYS = Object.keys(AppConfigSchema.shape) as (keyof AppConfig)[];
