import type { RouteDefinition } from '../functions/shared/http/route';
import { routes } from '../functions/shared/routes';
import { CAPACITY_PROFILES, reservedConcurrencyFor, WORKLOADS } from '../infra/api/capacity-model';
import { ASSUMPTIONS, type ProfileReport, profileReport } from '../infra/api/cost-model';

/**
 * `npm run capacity`: the capacity and cost model per profile, as the markdown docs/capacity.md embeds
 * between its generated markers (a test keeps the two equal).
 */

/**
 * Background functions' reservations: nine at the config's `lambdaReservedConcurrency` (ingest, welcome
 * mail, propagation, delivery events, audit archive, support mail, exports, and the two relays functions
 * in the VPC call: the JWKS relay and the invoice lister) and two at 1 (the scheduled purge and overdue
 * check).
 */
export const BACKGROUND_FUNCTIONS = { atConfig: 9, atOne: 2 } as const;
const backgroundReservation = (configured: number) =>
  BACKGROUND_FUNCTIONS.atConfig * configured + BACKGROUND_FUNCTIONS.atOne;

const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const oneDecimal = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });
const dollars = (value: number) => `$${whole(value)}`;

export { backgroundReservation };

export function capacityReports(
  backgroundReserved = backgroundReservation(20),
  accountConcurrency = 1000,
): ProfileReport[] {
  return CAPACITY_PROFILES.map((profile) =>
    profileReport(profile, routes as readonly RouteDefinition[], { backgroundReserved, accountConcurrency }),
  );
}

export function capacityMarkdown(reports: readonly ProfileReport[] = capacityReports()): string {
  const header = (title: string) =>
    `| ${title} | ${reports.map((report) => report.profile).join(' | ')} |\n|---|${reports.map(() => '---').join('|')}|`;
  const row = (label: string, value: (report: ProfileReport) => string) =>
    `| ${label} | ${reports.map(value).join(' | ')} |`;
  const classes = ['retrieve', 'search', 'render', 'store', 'api', 'public'] as const;
  const costNames = Object.keys(reports[0]?.cost ?? {}).filter((name) => name !== 'total');
  return [
    header('per profile'),
    row(
      'facilities × readers',
      (r) => `${r.workload.facilitiesReadingAtOnce} × ${r.workload.readingStationsPerFacility}`,
    ),
    row('studies per month', (r) => whole(r.workload.studiesPerMonth)),
    ...classes.map((name) =>
      row(
        `${name}: requests/s at peak (concurrent)`,
        (r) => `${oneDecimal(r.peak.requestsPerSecond[name])} (${r.peak.concurrency[name]})`,
      ),
    ),
    row(
      'DynamoDB read / write units per s at peak',
      (r) => `${whole(r.dynamo.readUnitsPerSecond)} / ${whole(r.dynamo.writeUnitsPerSecond)}`,
    ),
    row(
      'S3 GET / PUT per s at peak',
      (r) => `${whole(r.s3.getsPerSecond)} / ${oneDecimal(r.s3.putsPerSecond)}`,
    ),
    row('stage throttle (requests/s)', (r) => whole(r.limits.stageThrottle)),
    row('allowance per organization (requests/min)', (r) => whole(r.limits.organizationRequestsPerMinute)),
    row(
      'reserved concurrency / shared pool',
      (r) => `${r.limits.reservedConcurrency} / ${r.limits.sharedPool}`,
    ),
    row('requests per month', (r) => `${oneDecimal(r.monthly.requests / 1e6)} M`),
    row('storage growth per month', (r) => `${whole(r.monthly.storageGrowthGb)} GB`),
    row('stored after a year', (r) => `${oneDecimal(r.monthly.storedAfterYearGb / 1000)} TB`),
    '',
    header('monthly cost, USD'),
    ...costNames.map((name) => row(name, (r) => dollars(r.cost[name] ?? 0))),
    row('**total**', (r) => `**${dollars(r.cost.total)}**`),
    '',
    header('first limit to break'),
    row('limit', (r) => r.breaking[0]?.name ?? 'none'),
    row('at', (r) => {
      const first = r.breaking[0];
      if (!first || !Number.isFinite(first.atTimes)) return 'beyond 1000×';
      return `${oneDecimal(first.atTimes)}× (${whole(r.readers * first.atTimes)} readers)`;
    }),
    row('then', (r) =>
      r.breaking
        .slice(1, 3)
        .map(
          (next) =>
            `${next.name.split(' (')[0]} at ${Number.isFinite(next.atTimes) ? `${oneDecimal(next.atTimes)}×` : '>1000×'}`,
        )
        .join('; '),
    ),
    '',
    `Assumptions: ${ASSUMPTIONS.averageStudyMegabytes} MB a study, opened ${ASSUMPTIONS.opensPerStudy} times, ${ASSUMPTIONS.storeRequestsPerStudy} STOW-RS requests and ${ASSUMPTIONS.instancesPerStudy} instances a study; ${ASSUMPTIONS.writeUnitsPerAuditRecord} write units per audited request (record and its time index); ${ASSUMPTIONS.interfaceEndpoints} interface endpoints in ${ASSUMPTIONS.availabilityZones} zones; reserved concurrency includes ${BACKGROUND_FUNCTIONS.atConfig} background functions at 20, ${BACKGROUND_FUNCTIONS.atOne} at 1, and each capped route's reservation (${whole(
      (routes as readonly RouteDefinition[]).filter(
        (route) => reservedConcurrencyFor(route, WORKLOADS.platform) !== undefined,
      ).length,
    )} routes).`,
  ].join('\n');
}

if (require.main === module) console.log(capacityMarkdown());
