/**
 * [PP-11] Data is stored in US regions only. The guard runs before any construct exists, so a
 * non-US region can never reach a template, and again over the finished app as a backstop.
 */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export const US_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'us-gov-east-1',
  'us-gov-west-1',
] as const;
export type UsRegion = (typeof US_REGIONS)[number];

export class RegionGuardError extends Error {
  override readonly name = 'RegionGuardError';
}

export function isUsRegion(region: string): region is UsRegion {
  return (US_REGIONS as readonly string[]).includes(region);
}

export function assertUsRegions(regions: { primaryRegion: string; replicaRegion: string }): void {
  const roles = { primaryRegion: regions.primaryRegion, replicaRegion: regions.replicaRegion };
  for (const [role, region] of Object.entries(roles)) {
    if (!isUsRegion(region)) {
      throw new RegionGuardError(
        `[PP-11] ${role} "${region}" is not a US region; PACScribe stores data only in ${US_REGIONS.join(', ')}.`,
      );
    }
  }
  if (regions.primaryRegion === regions.replicaRegion) {
    throw new RegionGuardError(
      `[PP-11/PP-12] primaryRegion and replicaRegion are both "${regions.primaryRegion}"; the replica must live in a second US region.`,
    );
  }
  // GovCloud is a separate partition: replication across partitions is impossible.
  if (regions.primaryRegion.startsWith('us-gov-') !== regions.replicaRegion.startsWith('us-gov-')) {
    throw new RegionGuardError(
      '[PP-11] primaryRegion and replicaRegion must be in the same partition (both GovCloud or neither).',
    );
  }
}

/** Backstop: every stack in the app must be pinned to a US region (an env-agnostic stack could deploy anywhere). */
export function assertStacksInUsRegions(root: IConstruct): void {
  for (const construct of root.node.findAll()) {
    if (!Stack.isStack(construct)) continue;
    if (!isUsRegion(construct.region)) {
      throw new RegionGuardError(
        `[PP-11] stack ${construct.stackName} targets region "${construct.region}"; every stack needs an explicit US region.`,
      );
    }
  }
}
