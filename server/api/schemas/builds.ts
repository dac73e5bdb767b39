import { z } from 'zod';
import { ZCloudKind } from './clouds';
import { boundedInt, safeString, MAX_INT32, ZPage, ZSearchText, ZTextId, ZUuid, ZVersion } from './common';
import { ZRegionId, ZRegionRef } from './regions';
import { ZFilePath, ZSha256 } from './template-files';

/** Runs one build may start; the per-region fan-out keeps under it. */
export const MAX_BUILD_RUNS = 200;
export const MAX_BUILD_VARIABLES = 100;
export const MAX_BUILD_INPUTS = 20;
export const MAX_BUILD_GROUPS = 20;
export const MAX_LOG_PAGE = 5_000;

/** What a build targets: region groups, every active region of a cloud's account, single regions (any mix; duplicates count once). */
export const ZBuildTargets = z
  .object({
    groupIds: z.array(ZUuid).max(MAX_BUILD_GROUPS).optional(),
    clouds: z.array(ZCloudKind).max(2).optional(),
    regions: z.array(ZRegionRef).max(MAX_BUILD_RUNS).optional(),
  })
  .refine((t) => (t.groupIds?.length ?? 0) + (t.clouds?.length ?? 0) + (t.regions?.length ?? 0) > 0, { error: 'Choose at least one target: a region group, a cloud or a region.' });
export type TBuildTargets = z.infer<typeof ZBuildTargets>;

export const ZBaseImageOverride = z.object({ cloud: ZCloudKind, region: ZRegionId, imageId: safeString({ min: 1, max: 128, trim: true }) });
export type TBaseImageOverride = z.infer<typeof ZBaseImageOverride>;

export const ZBuildVariable = z.object({ name: safeString({ min: 1, max: 200 }), value: safeString({ max: 10_000 }) });

/** One schema for the build dialog's form, `build.plan` and `build.start`: the plan is recomputed from it on start. */
export const ZStartBuildRequest = z.object({
  templateId: ZUuid,
  version: ZVersion,
  /** One enabled account per cloud the targets use. */
  accountIds: z.array(ZUuid).min(1).max(2),
  targets: ZBuildTargets,
  /** Values of the template's variables; sensitive ones are stored sealed until the build ends. */
  variables: z.array(ZBuildVariable).max(MAX_BUILD_VARIABLES).optional(),
  /** Build inputs, uploaded as blobs (template_blobs), by path among the build's files. */
  inputs: z.array(z.object({ path: ZFilePath, sha256: ZSha256 })).max(MAX_BUILD_INPUTS).optional(),
  /** A base image per region instead of the one the plan resolves. */
  baseImageOverrides: z.array(ZBaseImageOverride).max(MAX_BUILD_RUNS).optional(),
  /** Runs of the build at once; 0 = all. */
  parallelism: boundedInt(0, MAX_BUILD_RUNS).optional(),
  /** The first failed run cancels the others. */
  failFast: z.boolean().optional(),
});
export type TStartBuildRequest = z.infer<typeof ZStartBuildRequest>;
export const ZBuildPlanRequest = ZStartBuildRequest;
export type TBuildPlanRequest = TStartBuildRequest;

/** Why a target region cannot be built (build.plan's `refused[].code`; the dialog translates them). */
export const BUILD_PLAN_REFUSALS = [
  'NO_ACCOUNT', 'NO_BUILDER', 'REGION_NOT_IN_INVENTORY', 'REGION_NOT_SYNCED', 'GROUP_MEMBER_GONE', 'BASE_IMAGE_UNKNOWN', 'NO_BASE_IMAGE',
  'OVERRIDE_NOT_FOUND', 'OVERRIDE_DOES_NOT_FIT', 'NO_USABLE_ZONE', 'COPY_SOURCE_UNUSABLE', 'COPY_NEEDS_PROJECT',
] as const;
export type TBuildPlanRefusal = (typeof BUILD_PLAN_REFUSALS)[number];

export const ZBuildIdRequest = z.object({ buildId: ZUuid });
export const ZRunIdRequest = z.object({ runId: ZUuid });

/** Rebuild: the build's request again, its resolved base images as overrides; sensitive values must be given again (they were never kept). */
export const ZRebuildRequest = z.object({ buildId: ZUuid, sensitiveVariables: z.array(ZBuildVariable).max(MAX_BUILD_VARIABLES).optional() });
export type TRebuildRequest = z.infer<typeof ZRebuildRequest>;

/** A page of a run's log after the last line the reader has (`afterSeq` 0: from the start). */
export const ZRunLogsRequest = z.object({ runId: ZUuid, afterSeq: boundedInt(0, MAX_INT32).default(0), limit: boundedInt(1, MAX_LOG_PAGE).default(1_000) });

/** Statuses of a build and of a run (db/schema/builds.ts `build_status`). */
export const BUILD_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type TBuildStatus = (typeof BUILD_STATUSES)[number];
/** Statuses after which a run or a build changes no more: its live views end there. */
/** Appended to a log line's step when the line comes from undoing that step (the cleanup phase). */
export const CLEANUP_STEP_SUFFIX = ':cleanup';

export const FINAL_BUILD_STATUSES: readonly TBuildStatus[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];
export const isFinalBuildStatus = (s: string) => (FINAL_BUILD_STATUSES as readonly string[]).includes(s);

export const BUILD_PAGE_SIZES = [25, 50, 100] as const;

/** The Builds list: filtered, searched and paged on the server, newest first. */
export const ZFindBuildsRequest = z.object({
  status: z.enum(BUILD_STATUSES).optional(),
  templateId: ZUuid.optional(),
  cloud: ZCloudKind.optional(),
  /** The user who started the build (better-auth ids are text). */
  requestedBy: ZTextId.optional(),
  search: ZSearchText.optional(),
  page: ZPage.default(1),
  pageSize: boundedInt(10, 100).default(25),
});
export type TFindBuildsRequest = z.infer<typeof ZFindBuildsRequest>;

/** A run's log, read after the last line a reader has: the SSE route's `?after=` (Last-Event-ID wins when later). */
export const ZRunLogStreamQuery = z.object({ runId: ZUuid, after: z.coerce.number().pipe(boundedInt(0, MAX_INT32)).default(0) });

/** A log line as the live log sends it (GET /api/build-runs/:runId/log): [seq, epoch ms, stream, step, text]. */
export type WireLogLine = [number, number, 'stdout' | 'stderr' | 'engine', string | null, string];
