import type { RouteDefinition } from '#functions/shared/http/route';
import { memoryPlanFor } from '#infra/shared/function-memory';
import {
  type CapacityProfile,
  checkAccountConcurrency,
  HANDLER_SECONDS,
  organizationRequestsPerMinute,
  peakConcurrency,
  peakRequestsPerSecond,
  type RouteClass,
  reservedConcurrencyFor,
  stageThrottle,
  WORKLOADS,
  type Workload,
} from './capacity-model';

/**
 * The monthly cost and the first limit to break, per capacity profile (docs/capacity.md, printed by
 * `npm run capacity`). Plain arithmetic over the capacity model and public list prices; no aws-cdk-lib.
 */

/** us-east-1 list prices, USD (aws.amazon.com/<service>/pricing, read December 2026). */
export const PRICES = {
  apiGatewayPerMillionRequests: 3.5,
  wafPerMillionRequests: 0.6,
  wafPerWebAclMonth: 5,
  wafPerRuleMonth: 1,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaX86PerGbSecond: 0.0000166667,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  backupDynamoPerGbMonth: 0.1,
  s3StandardPerGbMonth: 0.023,
  s3GetPerThousand: 0.0004,
  s3PutPerThousand: 0.005,
  /** Cross-region replication: inter-region transfer out per GB. */
  interRegionPerGb: 0.02,
  cloudTrailDataEventsPerHundredThousand: 0.1,
  logsIngestPerGb: 0.5,
  kmsPerKeyMonth: 1,
  interfaceEndpointPerAzHour: 0.01,
} as const;

/** What the model assumes beyond the workload (each a stated assumption, not a measurement). */
export const ASSUMPTIONS = {
  /** Mixed CT, MR, CR, US and mammography. */
  averageStudyMegabytes: 100,
  /** Each study is opened this many times (first read, comparison, review). */
  opensPerStudy: 1.5,
  /** STOW-RS requests per study (a 600-image CT in batches of about 50). */
  storeRequestsPerStudy: 12,
  instancesPerStudy: 300,
  /** Index items (instance, frame table, metadata) per instance, bytes. */
  indexBytesPerInstance: 2_000,
  /** Readers use the JSON API this share of a working month at their peak rate. */
  apiUseShare: 0.5,
  workingHoursPerMonth: 22 * 10,
  /** Per request: membership read and index or metadata reads (eventually consistent, ≤ 4 KB). */
  readUnitsPerRequest: 2,
  /** Per audited request: the ~1.5 KB record (2 units) and its time-index copy (2 units). */
  writeUnitsPerAuditRecord: 4,
  /** CloudTrail data events per request: the membership read, the audit write, an index read, an S3 read. */
  trailEventsPerRequest: 4,
  /** Request log line plus embedded metrics, bytes. */
  logBytesPerRequest: 800,
  /** Customer-managed keys: one per table, bucket and log group family. */
  kmsKeys: 16,
  webAclRules: 12,
  /** The interface endpoints of infra/shared/private-network.ts (docs/capacity.md, Isolation), in two zones. */
  interfaceEndpoints: 7,
  availabilityZones: 2,
} as const;

/** The memory each class's busiest function is given, GB (the plan the deploy uses). */
const CLASS_MEMORY_GB = {
  search: memoryPlanFor('imaging/handlers/search-studies').memoryMB / 1024,
  retrieve: memoryPlanFor('imaging/handlers/retrieve-frames').memoryMB / 1024,
  render: memoryPlanFor('imaging/handlers/retrieve-rendered-frames').memoryMB / 1024,
  store: memoryPlanFor('imaging/handlers/store-instances').memoryMB / 1024,
  api: memoryPlanFor('accounts/handlers/get-me').memoryMB / 1024,
} as const;

const HOURS_PER_MONTH = 730;
const million = 1_000_000;

export interface ProfileReport {
  profile: CapacityProfile;
  workload: Workload;
  peak: { requestsPerSecond: Record<RouteClass, number>; concurrency: Record<RouteClass, number> };
  readers: number;
  /** At peak, whole deployment. */
  dynamo: { readUnitsPerSecond: number; writeUnitsPerSecond: number };
  s3: { getsPerSecond: number; putsPerSecond: number };
  limits: {
    stageThrottle: number;
    organizationRequestsPerMinute: number;
    reservedConcurrency: number;
    sharedPool: number;
  };
  monthly: { requests: number; storageGrowthGb: number; storedAfterYearGb: number };
  cost: Record<string, number> & { total: number };
  /** Every limit a larger deployment meets, the first to break first. */
  breaking: { name: string; atTimes: number }[];
}

/**
 * The workload `times` larger: more facilities reading at once and more studies acquired. A deployment of
 * one organization grows that organization; the shared platform grows by more organizations of the same size.
 */
export function scaledWorkload(workload: Workload, times: number): Workload {
  const singleOrganization = workload.facilitiesPerOrganization === workload.facilitiesReadingAtOnce;
  return {
    ...workload,
    facilitiesReadingAtOnce: workload.facilitiesReadingAtOnce * times,
    facilitiesPerOrganization: workload.facilitiesPerOrganization * (singleOrganization ? times : 1),
    studiesPerMonth: workload.studiesPerMonth * times,
  };
}

function reservations(routes: readonly RouteDefinition[], workload: Workload, backgroundReserved: number) {
  return [...routes.map((route) => reservedConcurrencyFor(route, workload) ?? 0), backgroundReserved];
}

/**
 * The account and service limits a larger deployment meets, each as the multiple of the profile at which
 * it is reached; the smallest breaks first.
 */
function limitMultiples(
  workload: Workload,
  routes: readonly RouteDefinition[],
  backgroundReserved: number,
  accountConcurrency: number,
): { name: string; atTimes: number }[] {
  const firstFailing = (fails: (candidate: Workload) => boolean) => {
    for (let times = 1; times <= 1000; times = Math.round((times + 0.1) * 10) / 10) {
      if (fails(scaledWorkload(workload, times))) return times;
    }
    return Number.POSITIVE_INFINITY;
  };
  const audited = (candidate: Workload) => {
    const rates = peakRequestsPerSecond(candidate);
    return rates.retrieve + rates.search + rates.render + rates.store + rates.api;
  };
  const organizationShare = (candidate: Workload) =>
    candidate.facilitiesPerOrganization / candidate.facilitiesReadingAtOnce;
  return [
    {
      name: `Lambda concurrency quota (${accountConcurrency}; raise by request)`,
      atTimes: firstFailing((candidate) => {
        try {
          checkAccountConcurrency(
            accountConcurrency,
            reservations(routes, candidate, backgroundReserved),
            candidate,
          );
          return false;
        } catch {
          return true;
        }
      }),
    },
    {
      name: 'API Gateway account throttle (10,000 requests/s; raise by request)',
      atTimes: firstFailing((candidate) => stageThrottle(candidate).rateLimit >= 10_000),
    },
    {
      // One organization's records share its time index partition key (gsi1pk = ORG#id): about 1,000
      // write units per second per partition, and a time-ordered sort key keeps writes on the newest one.
      name: "one organization's audit time index partition (≈1,000 write units/s)",
      atTimes: firstFailing((candidate) => audited(candidate) * organizationShare(candidate) * 2 > 1_000),
    },
    {
      name: 'S3 GET requests per prefix (5,500/s; one organization reads under its own prefix)',
      atTimes: firstFailing(
        (candidate) => peakRequestsPerSecond(candidate).retrieve * organizationShare(candidate) > 5_500,
      ),
    },
    {
      name: 'DynamoDB on-demand table throughput quota (40,000 write units/s on the audit table)',
      atTimes: firstFailing(
        (candidate) => audited(candidate) * ASSUMPTIONS.writeUnitsPerAuditRecord > 40_000,
      ),
    },
  ].sort((a, b) => a.atTimes - b.atTimes);
}

export function profileReport(
  profile: CapacityProfile,
  routes: readonly RouteDefinition[],
  options: { backgroundReserved: number; accountConcurrency: number },
): ProfileReport {
  const workload: Workload = WORKLOADS[profile];
  const rates = peakRequestsPerSecond(workload);
  const concurrency = peakConcurrency(workload);
  const readers = workload.facilitiesReadingAtOnce * workload.readingStationsPerFacility;
  const peakTotal = Object.values(rates).reduce((sum, value) => sum + value, 0);
  const plan = checkAccountConcurrency(
    options.accountConcurrency,
    reservations(routes, workload, options.backgroundReserved),
    workload,
  );

  const perStudyOpened =
    workload.requestsPerStudyOpened.search +
    workload.requestsPerStudyOpened.retrieve +
    workload.requestsPerStudyOpened.render;
  const reading = workload.studiesPerMonth * ASSUMPTIONS.opensPerStudy * perStudyOpened;
  const rendering =
    workload.studiesPerMonth * ASSUMPTIONS.opensPerStudy * workload.requestsPerStudyOpened.render;
  const storing = workload.studiesPerMonth * ASSUMPTIONS.storeRequestsPerStudy;
  const api =
    readers *
    workload.apiRequestsPerStationPerMinute *
    60 *
    ASSUMPTIONS.workingHoursPerMonth *
    ASSUMPTIONS.apiUseShare;
  const requests = reading + storing + api;
  const storageGrowthGb = (workload.studiesPerMonth * ASSUMPTIONS.averageStudyMegabytes) / 1000;
  const storedAfterYearGb = storageGrowthGb * 12;
  const indexGb =
    (workload.studiesPerMonth * 12 * ASSUMPTIONS.instancesPerStudy * ASSUMPTIONS.indexBytesPerInstance) / 1e9;

  const opened = workload.studiesPerMonth * ASSUMPTIONS.opensPerStudy;
  // GB-seconds per class at the memory each class's functions are given (infra/shared/function-memory.ts).
  const armGbSeconds =
    opened * workload.requestsPerStudyOpened.search * HANDLER_SECONDS.search * CLASS_MEMORY_GB.search +
    opened * workload.requestsPerStudyOpened.retrieve * HANDLER_SECONDS.retrieve * CLASS_MEMORY_GB.retrieve +
    storing * HANDLER_SECONDS.store * CLASS_MEMORY_GB.store +
    api * HANDLER_SECONDS.api * CLASS_MEMORY_GB.api;
  const cost = {
    'API Gateway': (requests / million) * PRICES.apiGatewayPerMillionRequests,
    WAF:
      (requests / million) * PRICES.wafPerMillionRequests +
      PRICES.wafPerWebAclMonth +
      ASSUMPTIONS.webAclRules * PRICES.wafPerRuleMonth,
    Lambda:
      (requests / million) * PRICES.lambdaPerMillionRequests +
      armGbSeconds * PRICES.lambdaArmPerGbSecond +
      rendering * HANDLER_SECONDS.render * CLASS_MEMORY_GB.render * PRICES.lambdaX86PerGbSecond,
    'DynamoDB requests':
      (requests / million) *
      (ASSUMPTIONS.readUnitsPerRequest * PRICES.dynamoPerMillionReadUnits +
        ASSUMPTIONS.writeUnitsPerAuditRecord * PRICES.dynamoPerMillionWriteUnits),
    'DynamoDB storage and backups (year 1 end)':
      indexGb * (PRICES.dynamoStoragePerGbMonth + 2 * PRICES.backupDynamoPerGbMonth),
    'S3 storage, both regions (year 1 end)': storedAfterYearGb * PRICES.s3StandardPerGbMonth * 2,
    'S3 requests and replication':
      ((workload.studiesPerMonth * ASSUMPTIONS.instancesPerStudy * 2) / 1000) * PRICES.s3PutPerThousand +
      (reading / 1000) * PRICES.s3GetPerThousand +
      storageGrowthGb * PRICES.interRegionPerGb,
    'CloudTrail data events':
      ((requests * ASSUMPTIONS.trailEventsPerRequest) / 100_000) *
      PRICES.cloudTrailDataEventsPerHundredThousand,
    'CloudWatch Logs': ((requests * ASSUMPTIONS.logBytesPerRequest) / 1e9) * PRICES.logsIngestPerGb,
    'KMS keys': ASSUMPTIONS.kmsKeys * PRICES.kmsPerKeyMonth,
    'VPC interface endpoints':
      ASSUMPTIONS.interfaceEndpoints *
      ASSUMPTIONS.availabilityZones *
      HOURS_PER_MONTH *
      PRICES.interfaceEndpointPerAzHour,
  };
  const total = Object.values(cost).reduce((sum, value) => sum + value, 0);

  return {
    profile,
    workload,
    readers,
    peak: { requestsPerSecond: rates, concurrency },
    dynamo: {
      readUnitsPerSecond: peakTotal * ASSUMPTIONS.readUnitsPerRequest,
      writeUnitsPerSecond: peakTotal * ASSUMPTIONS.writeUnitsPerAuditRecord,
    },
    s3: {
      getsPerSecond: rates.retrieve + rates.render,
      putsPerSecond: rates.store * (ASSUMPTIONS.instancesPerStudy / ASSUMPTIONS.storeRequestsPerStudy) * 2,
    },
    limits: {
      stageThrottle: stageThrottle(workload).rateLimit,
      organizationRequestsPerMinute: organizationRequestsPerMinute(workload),
      reservedConcurrency: plan.reserved,
      sharedPool: plan.pool,
    },
    monthly: { requests, storageGrowthGb, storedAfterYearGb },
    cost: { ...cost, total },
    breaking: limitMultiples(workload, routes, options.backgroundReserved, options.accountConcurrency),
  };
}
