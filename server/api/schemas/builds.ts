import { z } from 'zod';
import { boundedInt, safeString, MAX_INT32, ZPage, ZSearchText, ZTextId, ZUuid, ZVersion } from './common';
import { ZCloudKind } from './clouds';
import { ZFilePath, ZSha256 } from './template-files';

/** Builders (and so runs) one build may start; the per-region fan-out keeps under it. */
export const MAX_BUILD_RUNS = 200;
export const MAX_BUILD_VARIABLES = 100;
export const MAX_BUILD_INPUTS = 20;
export const MAX_LOG_PAGE = 5_000;

export const ZStartBuildRequest = z.object({
  templateId: ZUuid,
  version: ZVersion,
  accountIds: z.array(ZUuid).min(1).max(2),
  builders: z.array(safeString({ min: 1, max: 200 })).max(MAX_BUILD_RUNS).optional(),
  variables: z.array(z.object({ name: safeString({ min: 1, max: 200 }), value: safeString({ max: 10_000 }) })).max(MAX_BUILD_VARIABLES).optional(),
  inputs: z.array(z.object({ path: ZFilePath, sha256: ZSha256 })).max(MAX_BUILD_INPUTS).optional(),
  parallelism: boundedInt(0, MAX_BUILD_RUNS).optional(),
  failFast: z.boolean().optional(),
});
export type TStartBuildRequest = z.infer<typeof ZStartBuildRequest>;

export const ZBuildIdRequest = z.object({ buildId: ZUuid });
export const ZRunIdRequest = z.object({ runId: ZUuid });

/** A page of a run's log after the last line the reader has (`afterSeq` 0: from the start). */
export const ZRunLogsRequest = z.object({ runId: ZUuid, afterSeq: boundedInt(0, MAX_INT32).default(0), limit: boundedInt(1, MAX_LOG_PAGE).default(1_000) });

/** Statuses of a build and of a run (db/schema/builds.ts `build_status`). */
export const BUILD_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type TBuildStatus = (typeof BUILD_STATUSES)[number];
/** Statuses after which a run or a build changes no more: its live views end there. */
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
