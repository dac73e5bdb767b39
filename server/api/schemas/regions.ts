import { z } from 'zod';
import { safeString, ZUuid } from './common';
import { ZCloudKind } from './clouds';

/** A region id as the clouds spell them (cn-bj2, us-east-1). */
export const ZRegionId = safeString({ min: 1, max: 64, trim: true }).regex(/^[a-z0-9][a-z0-9-]*$/, 'Lower-case letters, digits and dashes only');

export const ZRegionRef = z.object({ cloud: ZCloudKind, region: ZRegionId });
export type TRegionRef = z.infer<typeof ZRegionRef>;

export const ZSetRegionStrategyRequest = z.discriminatedUnion('mode', [
  z.object({ cloud: ZCloudKind, region: ZRegionId, mode: z.literal('build') }),
  z.object({ cloud: ZCloudKind, region: ZRegionId, mode: z.literal('copy'), sourceRegion: ZRegionId }),
]);
export type TSetRegionStrategyRequest = z.infer<typeof ZSetRegionStrategyRequest>;

export const REGION_GROUP_NAME_MAX = 80;
export const REGION_GROUP_MAX_MEMBERS = 500;

const ZGroupName = safeString({ min: 1, max: REGION_GROUP_NAME_MAX, trim: true });
const ZGroupDescription = safeString({ max: 500, trim: true });
const ZGroupMembers = z.array(ZRegionRef).max(REGION_GROUP_MAX_MEMBERS);

export const ZCreateRegionGroupRequest = z.object({
  name: ZGroupName,
  description: ZGroupDescription.default(''),
  members: ZGroupMembers,
});
export type TCreateRegionGroupRequest = z.infer<typeof ZCreateRegionGroupRequest>;

export const ZUpdateRegionGroupRequest = z.object({
  id: ZUuid,
  name: ZGroupName.optional(),
  description: ZGroupDescription.optional(),
  members: ZGroupMembers.optional(),
});
export type TUpdateRegionGroupRequest = z.infer<typeof ZUpdateRegionGroupRequest>;

export const ZRegionGroupIdRequest = z.object({ id: ZUuid });

/** Why a region strategy was refused (REGION_STRATEGY_REFUSED's details). */
export const REGION_STRATEGY_REFUSALS = ['UNKNOWN_REGION', 'UNKNOWN_SOURCE', 'COPY_FROM_ITSELF', 'SOURCE_COPIES', 'REGION_IS_SOURCE', 'NO_SUGGESTION'] as const;
export type TRegionStrategyRefusal = (typeof REGION_STRATEGY_REFUSALS)[number];

/** What the inventory can show a region lacks for usual builds (the strategy suggestions' reasons). */
export const REGION_PROBLEMS = ['NO_SSD_BOOT_DISK', 'AMD_ONLY_HOSTS', 'NO_ENA_IMAGES'] as const;
export type TRegionProblem = (typeof REGION_PROBLEMS)[number];
