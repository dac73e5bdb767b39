import { z } from 'zod';
import { boundedInt, safeString, ZUuid, ZVersion, MAX_INT32 } from './common';
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
