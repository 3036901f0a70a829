import { AppConfigError, buildApp } from '#infra/app';
import { assertUsRegions, RegionGuardError, US_REGIONS } from '#infra/shared/region-guard';
import { TEST_BUILD } from '../app-fixture';

const COMMERCIAL_US = US_REGIONS.filter((region) => !region.startsWith('us-gov-'));

describe('region guard', () => {
  it.each(['eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ca-central-1', 'sa-east-1'])(
    '[PP-11] refuses primaryRegion %s before any resource is defined',
    (region) => {
      expect(() => buildApp({ primaryRegion: region }, TEST_BUILD)).toThrow(RegionGuardError);
      expect(() => buildApp({ primaryRegion: region }, TEST_BUILD)).toThrow(/\[PP-11\].*not a US region/);
    },
  );

  it('[PP-11] refuses a non-US replica region', () => {
    expect(() => buildApp({ replicaRegion: 'eu-west-1' }, TEST_BUILD)).toThrow(
      /\[PP-11\] replicaRegion "eu-west-1"/,
    );
  });

  it('[PP-12] refuses a replica in the same region as the primary', () => {
    expect(() => buildApp({ primaryRegion: 'us-east-2', replicaRegion: 'us-east-2' }, TEST_BUILD)).toThrow(
      RegionGuardError,
    );
  });

  it('[PP-12] refuses mixing GovCloud and commercial regions (replication cannot cross partitions)', () => {
    expect(() => assertUsRegions({ primaryRegion: 'us-gov-west-1', replicaRegion: 'us-east-1' })).toThrow(
      RegionGuardError,
    );
  });

  it('accepts every pair of distinct commercial US regions', () => {
    for (const primaryRegion of COMMERCIAL_US) {
      for (const replicaRegion of COMMERCIAL_US.filter((region) => region !== primaryRegion)) {
        expect(() => assertUsRegions({ primaryRegion, replicaRegion })).not.toThrow();
      }
    }
    expect(() =>
      assertUsRegions({ primaryRegion: 'us-gov-west-1', replicaRegion: 'us-gov-east-1' }),
    ).not.toThrow();
  });

  it('[PP-11] builds the whole app in another US region pair, every stack pinned there', () => {
    const { stacks } = buildApp(
      {
        primaryRegion: 'us-east-2',
        replicaRegion: 'us-west-1',
        // CloudFront only reads certificates from us-east-1 (infra/console/console-stack.ts).
        consoleCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/console',
      },
      TEST_BUILD,
    );
    const regions = Object.values(stacks).map((stack) => stack.region);
    expect(new Set(regions)).toEqual(new Set(['us-east-2', 'us-west-1']));
    expect(stacks.replica.region).toBe('us-west-1');
  });

  it('rejects malformed configuration with a readable message', () => {
    expect(() => buildApp({ account: 'not-an-account' }, TEST_BUILD)).toThrow(AppConfigError);
    expect(() => buildApp({ lambdaReservedConcurrency: '0' }, TEST_BUILD)).toThrow(
      /lambdaReservedConcurrency/,
    );
  });
});
