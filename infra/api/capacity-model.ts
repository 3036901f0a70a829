import type { RouteDefinition } from '#functions/shared/http/route';
import { type RouteClass, routeClassOf } from '#functions/shared/http/route-class';

/**
 * The capacity model behind the API's limits (docs/capacity.md). No aws-cdk-lib here: the infra tests and
 * the docs read the same figures the constructs are built from.
 *
 * Little's law: the functions busy at once (L) = requests per second (λ) × seconds per request (W).
 */

export { type RouteClass, routeClassOf } from '#functions/shared/http/route-class';

/**
 * A deployment's peak: reading rooms loading studies in a viewer (OHIF opens a study with a QIDO study and
 * series query, one metadata request per series, then one request per frame, plus thumbnails),
 * technologists storing new studies, and people using the JSON API.
 */
export interface Workload {
  readonly facilitiesReadingAtOnce: number;
  /** Reading stations (radiologists) per facility, all behind the facility's one NAT address. */
  readonly readingStationsPerFacility: number;
  /** Facilities the largest organization runs: its allowance covers all of them. */
  readonly facilitiesPerOrganization: number;
  /** Studies acquired per month across the deployment (storage growth and cost). */
  readonly studiesPerMonth: number;
  /** Each station opens a new study this often at peak. */
  readonly secondsBetweenStudies: number;
  /** A 4-series, 600-image CT in OHIF: searches and metadata, frames, rendered thumbnails. */
  readonly requestsPerStudyOpened: {
    readonly search: number;
    readonly retrieve: number;
    readonly render: number;
  };
  /** The large end of what one person opens: a thin-slice CT or a tomosynthesis study, one request a frame. */
  readonly largeStudyRequests: number;
  /** STOW-RS requests (a few instances each) per facility per second while scanners send. */
  readonly storeRequestsPerFacilityPerSecond: number;
  readonly apiRequestsPerStationPerMinute: number;
  readonly publicRequestsPerSecond: number;
  /** Loading a study comes in bursts above the per-minute average. */
  readonly burstFactor: number;
}

/** What every profile shares: how a viewer reads, and how bursty it is. */
const READING = {
  secondsBetweenStudies: 120,
  requestsPerStudyOpened: { search: 10, retrieve: 620, render: 8 },
  largeStudyRequests: 3000,
  apiRequestsPerStationPerMinute: 6,
  publicRequestsPerSecond: 5,
  burstFactor: 2,
} as const;

/**
 * The sizes a deployment is built for (context `capacityProfile`). `platform`, the default, is the shared
 * multi-tenant service: ten hospitals reading at once, each its own organization. The other three are the
 * facilities docs/capacity.md costs out, each as the only organization of its deployment.
 */
export const WORKLOADS = {
  platform: {
    ...READING,
    facilitiesReadingAtOnce: 10,
    readingStationsPerFacility: 15,
    facilitiesPerOrganization: 1,
    studiesPerMonth: 400_000,
    storeRequestsPerFacilityPerSecond: 0.5,
  },
  /** An outpatient clinic: 5 modalities, 2 readers. */
  clinic: {
    ...READING,
    facilitiesReadingAtOnce: 1,
    readingStationsPerFacility: 2,
    facilitiesPerOrganization: 1,
    studiesPerMonth: 3_000,
    storeRequestsPerFacilityPerSecond: 0.2,
  },
  /** A hospital: 40,000 studies a month, 25 readers. */
  hospital: {
    ...READING,
    facilitiesReadingAtOnce: 1,
    readingStationsPerFacility: 25,
    facilitiesPerOrganization: 1,
    studiesPerMonth: 40_000,
    storeRequestsPerFacilityPerSecond: 0.5,
  },
  /** A 20-site network: one organization, 8 readers a site, 250,000 studies a month. */
  network: {
    ...READING,
    facilitiesReadingAtOnce: 20,
    readingStationsPerFacility: 8,
    facilitiesPerOrganization: 20,
    studiesPerMonth: 250_000,
    storeRequestsPerFacilityPerSecond: 0.3,
  },
} as const satisfies Record<string, Workload>;

export type CapacityProfile = keyof typeof WORKLOADS;
export const CAPACITY_PROFILES = Object.keys(WORKLOADS) as CapacityProfile[];

/** The default deployment's peak (the shared platform). */
export const PEAK_WORKLOAD: Workload = WORKLOADS.platform;

/**
 * Seconds per request, per class: the benchmark's local p95 (docs/benchmark-dicomweb.md) times 1.5 for
 * Lambda's network hops, rounded up. Rendering decodes and encodes whole frames; a store writes objects
 * and index items for several instances.
 */
export const HANDLER_SECONDS: Readonly<Record<RouteClass, number>> = {
  retrieve: 0.12,
  render: 0.6,
  search: 0.08,
  store: 1.0,
  api: 0.08,
  public: 0.15,
};

/** Requests per second per class at peak (bursts included). */
export function peakRequestsPerSecond(workload: Workload = PEAK_WORKLOAD): Record<RouteClass, number> {
  const stations = workload.facilitiesReadingAtOnce * workload.readingStationsPerFacility;
  const studiesPerSecond = stations / workload.secondsBetweenStudies;
  const burst = workload.burstFactor;
  return {
    retrieve: studiesPerSecond * workload.requestsPerStudyOpened.retrieve * burst,
    render: studiesPerSecond * workload.requestsPerStudyOpened.render * burst,
    search: studiesPerSecond * workload.requestsPerStudyOpened.search * burst,
    store: workload.facilitiesReadingAtOnce * workload.storeRequestsPerFacilityPerSecond * burst,
    api: ((stations * workload.apiRequestsPerStationPerMinute) / 60) * burst,
    public: workload.publicRequestsPerSecond * burst,
  };
}

/** Concurrent executions per class at peak: L = λ × W, rounded up. */
export function peakConcurrency(workload: Workload = PEAK_WORKLOAD): Record<RouteClass, number> {
  const rates = peakRequestsPerSecond(workload);
  const classes = Object.keys(rates) as RouteClass[];
  return Object.fromEntries(
    classes.map((name) => [name, Math.ceil(rates[name] * HANDLER_SECONDS[name])]),
  ) as Record<RouteClass, number>;
}

/**
 * Which classes get a reserved-concurrency cap. Reserved concurrency is also a ceiling: it keeps a storm of
 * uploads, renders or public calls from taking the functions a reading room needs. Retrieval, search and
 * the JSON API are left unreserved, in the account's shared pool, which the model checks is large enough
 * for them (see checkAccountConcurrency).
 */
const CAPPED_CLASSES: ReadonlySet<RouteClass> = new Set(['store', 'render', 'public']);
/** A capped function may take twice its class's modeled peak before it is throttled. */
const CAP_HEADROOM = 2;
/** Lambda keeps this much of the account's concurrency unreserved; reservations beyond fail to deploy. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

/** The reserved concurrency of a route's function, or undefined for the shared pool. */
export function reservedConcurrencyFor(
  route: Pick<RouteDefinition, 'access' | 'method' | 'path' | 'imageRendering'>,
  workload: Workload = PEAK_WORKLOAD,
): number | undefined {
  const routeClass = routeClassOf(route);
  if (!CAPPED_CLASSES.has(routeClass)) return undefined;
  return Math.max(2, peakConcurrency(workload)[routeClass] * CAP_HEADROOM);
}

/**
 * Refuses a plan that cannot deploy or cannot carry the modeled peak: reservations must leave Lambda's
 * unreserved minimum, and the shared pool must hold the unreserved classes' peak.
 */
export function checkAccountConcurrency(
  accountConcurrency: number,
  reservations: readonly number[],
  workload: Workload = PEAK_WORKLOAD,
): { reserved: number; pool: number; poolDemand: number } {
  const reserved = reservations.reduce((sum, value) => sum + value, 0);
  const pool = accountConcurrency - reserved;
  const concurrency = peakConcurrency(workload);
  const poolDemand = (Object.keys(concurrency) as RouteClass[])
    .filter((name) => !CAPPED_CLASSES.has(name))
    .reduce((sum, name) => sum + concurrency[name], 0);
  if (pool < LAMBDA_UNRESERVED_MINIMUM) {
    throw new Error(
      `Reserved concurrency ${reserved} leaves ${pool} of the account's ${accountConcurrency}; Lambda needs ${LAMBDA_UNRESERVED_MINIMUM} unreserved. Raise the account quota (lambdaAccountConcurrency).`,
    );
  }
  if (pool < poolDemand) {
    throw new Error(
      `The shared Lambda pool (${pool}) is below the modeled peak of retrieval, search and API (${poolDemand}). Raise the account quota (lambdaAccountConcurrency).`,
    );
  }
  return { reserved, pool, poolDemand };
}

/** API Gateway stage throttle: the modeled peak with 25 % headroom, within the account's 10,000 rps / 5,000 burst. */
export function stageThrottle(workload: Workload = PEAK_WORKLOAD): { rateLimit: number; burstLimit: number } {
  const rates = peakRequestsPerSecond(workload);
  const total = Object.values(rates).reduce((sum, value) => sum + value, 0);
  const rateLimit = Math.min(10_000, Math.ceil((total * 1.25) / 100) * 100);
  return { rateLimit, burstLimit: Math.min(5_000, rateLimit) };
}

/**
 * WAF rate limits per 5-minute window. One reading room shares one NAT address, so the per-IP limit is a
 * whole facility's peak with headroom; one person's token gets one station's peak with headroom, so a
 * runaway client is stopped without blocking the room.
 */
export function firewallRateLimits(workload: Workload = PEAK_WORKLOAD): { perIp: number; perToken: number } {
  const perStation = stationRequestsPer5Minutes(workload);
  const roundUp = (value: number) => Math.ceil(value / 1000) * 1000;
  return {
    perIp: roundUp(perStation * workload.readingStationsPerFacility * workload.burstFactor),
    // One station's peak ×4, and never fewer than four large studies in a window.
    perToken: roundUp(Math.max(perStation * workload.burstFactor * 2, workload.largeStudyRequests * 4)),
  };
}

/** One reading station's requests in a 5-minute window at peak: its studies' requests plus API calls. */
function stationRequestsPer5Minutes(workload: Workload = PEAK_WORKLOAD): number {
  const studiesPerWindow = 300 / workload.secondsBetweenStudies;
  const perStudy =
    workload.requestsPerStudyOpened.search +
    workload.requestsPerStudyOpened.retrieve +
    workload.requestsPerStudyOpened.render;
  return studiesPerWindow * perStudy + workload.apiRequestsPerStationPerMinute * 5;
}

/**
 * Requests one organization may make per minute, enforced in the application across every function
 * instance (functions/accounts/core/request-quota.ts): the peak of every facility the organization runs,
 * bursts included, rounded up to a thousand. The shared pool is sized for every facility's peak together, so one organization held to
 * its own peak cannot take the capacity the others' reading rooms need.
 */
export function organizationRequestsPerMinute(workload: Workload = PEAK_WORKLOAD): number {
  const perMinute =
    (stationRequestsPer5Minutes(workload) / 5) *
    workload.readingStationsPerFacility *
    workload.facilitiesPerOrganization *
    workload.burstFactor;
  return Math.ceil(perMinute / 1000) * 1000;
}

/** Seconds a throttled client is told to wait (`Retry-After`), which DICOMweb clients honour. */
export const RETRY_AFTER_SECONDS = 30;

/** A capped class's allowance is never below this many requests a minute (5 a second). */
const CLASS_ALLOWANCE_FLOOR = 300;

/**
 * The allowances one organization gets per minute: all its requests (organizationRequestsPerMinute), and
 * for each capped class (rendering, storing) twice its own modeled peak, at least 300: so one organization
 * at its class allowance plus every other at its peak stays within the class's reserved concurrency.
 */
export function organizationAllowances(workload: Workload = PEAK_WORKLOAD): {
  requestsPerMinute: number;
  rendersPerMinute: number;
  storesPerMinute: number;
} {
  const rates = peakRequestsPerSecond(workload);
  const share = workload.facilitiesPerOrganization / workload.facilitiesReadingAtOnce;
  const classAllowance = (routeClass: RouteClass) =>
    Math.max(CLASS_ALLOWANCE_FLOOR, Math.ceil((rates[routeClass] * share * 60 * 2) / 100) * 100);
  return {
    requestsPerMinute: organizationRequestsPerMinute(workload),
    rendersPerMinute: classAllowance('render'),
    storesPerMinute: classAllowance('store'),
  };
}
