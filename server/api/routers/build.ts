import { procedureFor, readProcedure, router } from '@/server/api/trpc';
import { buildFormFacts } from '@/server/services/builds/build-form-facts';
import { cancelBuild, cancelRun } from '@/server/services/builds/cancel-build';
import { findBuildFacets, findBuilds, getBuild, getRunDetail, readRunLogs } from '@/server/services/builds/find-builds';
import { planBuild } from '@/server/services/builds/plan-build';
import { retryBuild, retryRun } from '@/server/services/builds/retry-build';
import { rebuildBuild, startBuild } from '@/server/services/builds/start-build';
import { ZBuildIdRequest, ZBuildPlanRequest, ZFindBuildsRequest, ZRebuildRequest, ZRunIdRequest, ZRunLogsRequest, ZStartBuildRequest } from '../schemas/builds';
import { ZTemplateVersionRequest } from '../schemas/templates';

export const buildRouter = router({
  /** The build dialog's facts for a template version (variables, inputs, accounts, regions, groups, strategies). */
  form: procedureFor('build.start').input(ZTemplateVersionRequest).query(({ ctx, input }) => buildFormFacts(ctx.db, input.templateId, input.version)),
  plan: procedureFor('build.start').input(ZBuildPlanRequest).query(({ ctx, input }) => planBuild(ctx.db, ctx.actor, input)),
  start: procedureFor('build.start').input(ZStartBuildRequest).mutation(({ ctx, input }) => startBuild(ctx.db, ctx.actor, input)),
  rebuild: procedureFor('build.start').input(ZRebuildRequest).mutation(({ ctx, input }) => rebuildBuild(ctx.db, ctx.actor, input)),
  cancel: procedureFor('build.start').input(ZBuildIdRequest).mutation(({ ctx, input }) => cancelBuild(ctx.db, ctx.actor, input.buildId)),
  cancelRun: procedureFor('build.start').input(ZRunIdRequest).mutation(({ ctx, input }) => cancelRun(ctx.db, ctx.actor, input.runId)),
  /** Runs again what did not succeed (failed, interrupted, cancelled runs; failed copies only, for a run whose image exists). */
  retry: procedureFor('build.start').input(ZBuildIdRequest).mutation(({ ctx, input }) => retryBuild(ctx.db, ctx.actor, input.buildId)),
  retryRun: procedureFor('build.start').input(ZRunIdRequest).mutation(({ ctx, input }) => retryRun(ctx.db, ctx.actor, input.runId)),
  list: readProcedure.input(ZFindBuildsRequest).query(({ ctx, input }) => findBuilds(ctx.db, input)),
  facets: readProcedure.query(({ ctx }) => findBuildFacets(ctx.db)),
  get: readProcedure.input(ZBuildIdRequest).query(({ ctx, input }) => getBuild(ctx.db, input.buildId)),
  run: readProcedure.input(ZRunIdRequest).query(({ ctx, input }) => getRunDetail(ctx.db, input.runId)),
  logs: readProcedure.input(ZRunLogsRequest).query(({ ctx, input }) => readRunLogs(ctx.db, input)),
});
