import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RouteDefinition } from '#functions/shared/http/route';
import { routes } from '#functions/shared/routes';
import {
  firewallRateLimits,
  HANDLER_SECONDS,
  organizationAllowances,
  organizationRequestsPerMinute,
  PEAK_WORKLOAD,
  peakConcurrency,
  peakRequestsPerSecond,
  RETRY_AFTER_SECONDS,
  reservedConcurrencyFor,
  routeClassOf,
  stageThrottle,
  WORKLOADS,
} from '#infra/api/capacity-model';
import { bulkBodyRoutes, pathPattern, WAF_BODY_INSPECTION_BYTES } from '#infra/api/route-body-limits';
import { buildApp } from '#infra/app';
import { PROJECT_ROOT } from '#infra/shared/project-root';
import { backgroundReservation, capacityMarkdown } from '../../../scripts/capacity';
import { propertyAt, resourcesOf, synthesizedApp, TEST_BUILD } from '../app-fixture';

type Props = Record<string, unknown>;
const all = routes as readonly RouteDefinition[];
const route = (id: string) => {
  const found = all.find((candidate) => candidate.id === id);
  if (!found) throw new Error(id);
  return found;
};
const api = () => synthesizedApp().stacks.api;
const webAcl = () => Object.values(resourcesOf(api(), 'AWS::WAFv2::WebACL'))[0];
const rules = () => propertyAt<Props[]>(webAcl(), 'Rules');
const rule = (name: string) => rules().find((candidate) => candidate.Name === name) as Props;
/** A nested value of a plain object by dotted path. */
const at = <T = unknown>(value: unknown, path: string): T =>
  path.split('.').reduce<unknown>((current, key) => (current as Props | undefined)?.[key], value) as T;

/** Reserved concurrency of every function in the primary region (nested stacks included). */
const reservedInPrimaryRegion = () =>
  Object.values(synthesizedApp().stacks)
    .filter((stack) => stack.region === synthesizedApp().config.primaryRegion)
    .flatMap((stack) => Object.values(resourcesOf(stack, 'AWS::Lambda::Function')))
    .map((fn) => Number(fn.Properties?.ReservedConcurrentExecutions ?? 0))
    .reduce((sum, value) => sum + value, 0);

describe('the capacity model (docs/capacity.md)', () => {
  it('prints its figures', () => {
    const rates = peakRequestsPerSecond();
    const concurrency = peakConcurrency();
    console.info(
      Object.entries(rates)
        .map(
          ([name, rate]) =>
            `${name}: ${rate.toFixed(1)} req/s × ${HANDLER_SECONDS[name as keyof typeof HANDLER_SECONDS]} s = ${concurrency[name as keyof typeof concurrency]} concurrent`,
        )
        .join('\n'),
      `\nstage throttle ${JSON.stringify(stageThrottle())}, WAF ${JSON.stringify(firewallRateLimits())}`,
    );
    expect(rates.retrieve).toBeGreaterThan(rates.search);
  });

  it('classes routes by how their load behaves', () => {
    expect(routeClassOf(route('retrieveFrames'))).toBe('retrieve');
    expect(routeClassOf(route('searchStudies'))).toBe('search');
    expect(routeClassOf(route('retrieveSeriesMetadata'))).toBe('search');
    expect(routeClassOf(route('storeInstances'))).toBe('store');
    expect(routeClassOf(route('createUploadSession'))).toBe('store');
    expect(routeClassOf(route('signup'))).toBe('public');
    expect(routeClassOf(route('getMe'))).toBe('api');
    // Every rendering route is rendering, public ones (a share recipient's images) included.
    const rendering = all.filter((candidate) => candidate.imageRendering);
    expect(rendering.some((candidate) => candidate.access.kind === 'public')).toBe(true);
    expect(new Set(rendering.map(routeClassOf))).toEqual(new Set(['render']));
  });

  it('gives every API function the reserved concurrency the model says, none to the reading path', () => {
    const functions = api().routeApi.functions;
    for (const candidate of all) {
      const fn = functions[candidate.id]?.function.node.defaultChild as {
        reservedConcurrentExecutions?: number;
      };
      expect([candidate.id, fn.reservedConcurrentExecutions]).toEqual([
        candidate.id,
        reservedConcurrencyFor(candidate),
      ]);
    }
    expect(reservedConcurrencyFor(route('retrieveFrames'))).toBeUndefined();
    expect(reservedConcurrencyFor(route('searchStudies'))).toBeUndefined();
  });

  it('deploys into a default account: reservations leave 100 unreserved and the shared pool carries the modeled reading peak', () => {
    const reserved = reservedInPrimaryRegion();
    const account = synthesizedApp().config.lambdaAccountConcurrency;
    const concurrency = peakConcurrency();
    const readingPeak = concurrency.retrieve + concurrency.search + concurrency.api;
    console.info(
      `reserved ${reserved} of ${account}; shared pool ${account - reserved} for a modeled peak of ${readingPeak}`,
    );
    expect(account - reserved).toBeGreaterThanOrEqual(100);
    expect(account - reserved).toBeGreaterThanOrEqual(readingPeak);
  });

  it("holds each organization to a facility's peak in the application, so one customer's burst leaves the others their modeled peak", () => {
    const functions = api().routeApi.functions;
    const customerRoutes = all.filter(
      (candidate) => candidate.access.kind !== 'public' && candidate.access.kind !== 'workforce',
    );
    expect(customerRoutes.length).toBeGreaterThan(50);
    for (const candidate of customerRoutes) {
      const environment = functions[candidate.id]?.environment ?? {};
      expect([candidate.id, environment.ORGANIZATION_REQUESTS_PER_MINUTE]).toEqual([
        candidate.id,
        String(organizationRequestsPerMinute()),
      ]);
      expect(environment.REQUEST_COUNTERS_TABLE_NAME).toBeDefined();
      expect(environment.ORGANIZATION_RENDERS_PER_MINUTE).toBe(
        String(organizationAllowances().rendersPerMinute),
      );
      expect(environment.ORGANIZATION_STORES_PER_MINUTE).toBe(
        String(organizationAllowances().storesPerMinute),
      );
    }
    // Little's law again: one organization at its allowance, all of it on the slowest reading class, plus
    // every other facility at its peak, still fits the shared pool the deploy check guarantees.
    const oneOrganization = Math.ceil((organizationRequestsPerMinute() / 60) * HANDLER_SECONDS.retrieve);
    const concurrency = peakConcurrency();
    const readingPeak = concurrency.retrieve + concurrency.search + concurrency.api;
    const pool = synthesizedApp().config.lambdaAccountConcurrency - reservedInPrimaryRegion();
    expect(oneOrganization + readingPeak).toBeLessThanOrEqual(pool);
    // And the allowance is above one facility's own peak: a reading room is never refused by it.
    const facilityPeakPerMinute =
      ((peakRequestsPerSecond().retrieve + peakRequestsPerSecond().search + peakRequestsPerSecond().render) *
        60) /
      PEAK_WORKLOAD.facilitiesReadingAtOnce;
    expect(organizationRequestsPerMinute()).toBeGreaterThanOrEqual(facilityPeakPerMinute);
  });

  it("holds each organization to its own share of the capped classes: one at its render or store allowance, every other facility at its peak, within the class's reserved concurrency", () => {
    const allowances = organizationAllowances();
    const concurrency = peakConcurrency();
    const othersShare = 1 - PEAK_WORKLOAD.facilitiesPerOrganization / PEAK_WORKLOAD.facilitiesReadingAtOnce;
    for (const [routeClass, perMinute, routeId] of [
      ['render', allowances.rendersPerMinute, 'retrieveRenderedFrames'],
      ['store', allowances.storesPerMinute, 'storeInstances'],
    ] as const) {
      const one = Math.ceil((perMinute / 60) * HANDLER_SECONDS[routeClass]);
      const others = Math.ceil(concurrency[routeClass] * othersShare);
      expect({ routeClass, fits: one + others <= (reservedConcurrencyFor(route(routeId)) ?? 0) }).toEqual({
        routeClass,
        fits: true,
      });
      // …and an organization's own peak of that class fits its allowance.
      expect(perMinute).toBeGreaterThanOrEqual(peakRequestsPerSecond()[routeClass] * (1 - othersShare) * 60);
    }
  });

  it('lets a counting function only add to the counters: one UpdateItem on four attributes, nothing read or deleted', () => {
    const policies = Object.values(resourcesOf(api(), 'AWS::IAM::Policy'));
    const counting = policies
      .flatMap((policy) => propertyAt<Props[]>(policy, 'PolicyDocument.Statement'))
      .filter((statement) => statement.Sid === 'CountOrganizationRequests');
    expect(counting.length).toBeGreaterThan(50);
    for (const statement of counting) {
      expect(statement).toMatchObject({
        Action: 'dynamodb:UpdateItem',
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'requests', 'expiresAtEpoch'] },
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ORG#*'] },
        },
      });
    }
  });

  it('refuses at synth a plan the account quota cannot hold', () => {
    expect(() => buildApp({ lambdaAccountConcurrency: '300' }, TEST_BUILD)).toThrow(
      /unreserved|shared Lambda pool/,
    );
  });

  it('lets a real facility’s reading room through the stage throttle and the firewall', () => {
    const throttle = stageThrottle();
    const total = Object.values(peakRequestsPerSecond()).reduce((sum, value) => sum + value, 0);
    expect(throttle.rateLimit).toBeGreaterThanOrEqual(total);
    expect(throttle.rateLimit).toBeLessThanOrEqual(10_000);
    expect(throttle.burstLimit).toBeLessThanOrEqual(5_000);
    // One facility behind one NAT address, at its peak, for five minutes.
    const perStudy = Object.values(PEAK_WORKLOAD.requestsPerStudyOpened).reduce(
      (sum, value) => sum + value,
      0,
    );
    const facilityWindow =
      PEAK_WORKLOAD.readingStationsPerFacility * (300 / PEAK_WORKLOAD.secondsBetweenStudies) * perStudy;
    const limits = firewallRateLimits();
    expect(limits.perIp).toBeGreaterThan(facilityWindow);
    // One radiologist opening a study every two minutes stays under their token's limit; the old
    // constant (1,000 per IP) would have blocked the room on its second study.
    expect(limits.perToken).toBeGreaterThan((300 / PEAK_WORKLOAD.secondsBetweenStudies) * perStudy);
    // …and one opening four 3,000-frame studies in five minutes is not blocked either.
    expect(limits.perToken).toBeGreaterThanOrEqual(4 * PEAK_WORKLOAD.largeStudyRequests);
    expect(at(rule('RateLimitPerIp'), 'Statement.RateBasedStatement.Limit')).toBe(limits.perIp);
    expect(at(rule('DicomwebRateLimitPerToken'), 'Statement.RateBasedStatement')).toMatchObject({
      Limit: limits.perToken,
      AggregateKeyType: 'CUSTOM_KEYS',
      CustomKeys: [{ Header: { Name: 'authorization' } }],
    });
  });
});

describe('the firewall by route class', () => {
  it('lets API Gateway forward 64 KB of body to WAF, and counts (not blocks) the managed 8 KB body rule', () => {
    expect(propertyAt(webAcl(), 'AssociationConfig')).toEqual({
      RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: 'KB_64' } },
    });
    expect(at(rule('AWSManagedRulesCommonRuleSet'), 'Statement.ManagedRuleGroupStatement')).toMatchObject({
      RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
      ScopeDownStatement: { NotStatement: expect.anything() },
    });
  });

  it('exempts exactly the routes whose bodies exceed 64 KB from body inspection, by path patterns that match their requests', () => {
    const bulk = bulkBodyRoutes(all)
      .map((candidate) => candidate.id)
      .sort();
    expect(bulk).toEqual(
      expect.arrayContaining([
        'completeUploadSession',
        'putReport',
        'receiveStripeWebhook',
        'storeInstances',
        'storeInstancesInStudy',
      ]),
    );
    const [patternSet] = Object.values(resourcesOf(api(), 'AWS::WAFv2::RegexPatternSet'));
    const patterns = propertyAt<string[]>(patternSet, 'RegularExpressionList');
    expect(patterns.length).toBeLessThanOrEqual(10);
    const matches = (path: string) => patterns.some((pattern) => new RegExp(pattern).test(path));
    expect(matches('/dicomweb/studies')).toBe(true);
    expect(matches('/dicomweb/studies/1.2.840.113619.2.55.3')).toBe(true);
    expect(matches('/dicomweb/upload-sessions/5b0e8f3a-0c9d-4f1e-9a7b-2c3d4e5f6a7b/complete')).toBe(true);
    expect(matches('/v1/billing/webhook')).toBe(true);
    // A JSON route, and a retrieval below a STOW path, stay inspected.
    expect(matches('/v1/support/tickets')).toBe(false);
    expect(matches('/dicomweb/studies/1.2.3/series')).toBe(false);
    expect(new RegExp(pathPattern('/v1/studies/{study}/report')).test('/v1/studies/1.2.3/report')).toBe(true);
  });

  it('blocks a body larger than any JSON route takes with 413, outside the bulk routes', () => {
    const large = rule('BodyLargerThanAnyJsonRoute');
    expect(large).toMatchObject({
      Action: {
        Block: { CustomResponse: { ResponseCode: 413, CustomResponseBodyKey: 'payload-too-large' } },
      },
    });
    const [, size] = at<Props[]>(large, 'Statement.AndStatement.Statements');
    expect(size).toMatchObject({
      SizeConstraintStatement: {
        Size: WAF_BODY_INSPECTION_BYTES,
        ComparisonOperator: 'GT',
        FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
      },
    });
    // Every non-bulk route's own limit fits under it, so none of them is refused by WAF first.
    const nonBulk = all.filter((candidate) => !bulkBodyRoutes(all).includes(candidate));
    for (const candidate of nonBulk) {
      expect(candidate.request?.maxBodyBytes ?? 0).toBeLessThanOrEqual(WAF_BODY_INSPECTION_BYTES);
    }
  });

  it('answers every rate limit with 429 and Retry-After', () => {
    const limited = rules().filter((candidate) =>
      JSON.stringify(candidate.Statement).includes('RateBasedStatement'),
    );
    expect(limited.map((candidate) => candidate.Name).sort()).toEqual([
      'DicomwebRateLimitPerToken',
      'RateLimitPerIp',
      'SignupRateLimitPerIp',
      'UnsubscribeRateLimitPerIp',
    ]);
    for (const candidate of limited) {
      expect(candidate.Action).toMatchObject({
        Block: {
          CustomResponse: {
            ResponseCode: 429,
            ResponseHeaders: [{ Name: 'retry-after', Value: String(RETRY_AFTER_SECONDS) }],
          },
        },
      });
    }
  });
});

describe.each(['clinic', 'hospital', 'network'] as const)(
  'a deployment sized for the %s profile (context capacityProfile)',
  (profile) => {
    const pacs = buildApp({ capacityProfile: profile }, TEST_BUILD);
    const workload = WORKLOADS[profile];
    const stack = pacs.stacks.api;
    const profileRules = () =>
      propertyAt<Props[]>(Object.values(resourcesOf(stack, 'AWS::WAFv2::WebACL'))[0], 'Rules');
    const profileRule = (name: string) =>
      profileRules().find((candidate) => candidate.Name === name) as Props;

    it('synthesizes the firewall limits, stage throttle, reserved concurrency and allowance its model gives', () => {
      const limits = firewallRateLimits(workload);
      expect(at(profileRule('RateLimitPerIp'), 'Statement.RateBasedStatement.Limit')).toBe(limits.perIp);
      expect(at(profileRule('DicomwebRateLimitPerToken'), 'Statement.RateBasedStatement.Limit')).toBe(
        limits.perToken,
      );
      const stage = Object.values(resourcesOf(stack, 'AWS::ApiGateway::Stage'))[0];
      expect(propertyAt<Props[]>(stage, 'MethodSettings')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ ThrottlingRateLimit: stageThrottle(workload).rateLimit }),
        ]),
      );
      for (const candidate of all) {
        const fn = stack.routeApi.functions[candidate.id];
        const cfn = fn?.function.node.defaultChild as { reservedConcurrentExecutions?: number };
        expect([candidate.id, cfn.reservedConcurrentExecutions]).toEqual([
          candidate.id,
          reservedConcurrencyFor(candidate, workload),
        ]);
      }
      expect(stack.routeApi.functions.getMe?.environment.ORGANIZATION_REQUESTS_PER_MINUTE).toBe(
        String(organizationRequestsPerMinute(workload)),
      );
    });

    it('lets every reader of the profile through: one facility under the per-IP limit, the whole organization under its allowance', () => {
      const rates = peakRequestsPerSecond(workload);
      const perMinute = (rates.retrieve + rates.search + rates.render + rates.api) * 60;
      expect(organizationRequestsPerMinute(workload)).toBeGreaterThanOrEqual(perMinute);
      const perStudy = Object.values(workload.requestsPerStudyOpened).reduce((sum, value) => sum + value, 0);
      const facilityWindow =
        workload.readingStationsPerFacility * (300 / workload.secondsBetweenStudies) * perStudy;
      expect(firewallRateLimits(workload).perIp).toBeGreaterThan(facilityWindow);
    });
  },
);

describe('docs/capacity.md', () => {
  it('embeds the capacity and cost model exactly as `npm run capacity` prints it', () => {
    const doc = readFileSync(path.join(PROJECT_ROOT, 'docs', 'capacity.md'), 'utf8');
    const generated = /<!-- capacity:begin -->\n([\s\S]*?)\n<!-- capacity:end -->/.exec(doc)?.[1];
    expect(generated).toBe(capacityMarkdown());
  });

  it('counts the background functions the synthesized app reserves concurrency for', () => {
    const routeReserved = all
      .map((candidate) => reservedConcurrencyFor(candidate) ?? 0)
      .reduce((sum, value) => sum + value, 0);
    expect(reservedInPrimaryRegion() - routeReserved).toBe(
      backgroundReservation(synthesizedApp().config.lambdaReservedConcurrency),
    );
  });
});
