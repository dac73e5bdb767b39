import { procedureFor, readProcedure, router } from '@/server/api/trpc';
import { cancelBuild, cancelRun } from '@/server/services/builds/cancel-build';
import { findBuildFacets, findBuilds, getBuild, getRunDetail, readRunLogs } from '@/server/services/builds/find-builds';
import { startBuild } from '@/server/services/builds/start-build';
import { ZBuildIdRequest, ZFindBuildsRequest, ZRunIdRequest, ZRunLogsRequest, ZStartBuildRequest } from '../schemas/builds';

export const buildRouter = router({
  start: procedureFor('build.start')
    .input(ZStartBuildRequest)
    .mutation(({ ctx, input }) => startBuild(ctx.db, ctx.actor, { ...input, variables: Object.fromEntries((input.variables ?? []).map((v) => [v.name, v.value])) })),
  cancel: procedureFor('build.start').input(ZBuildIdRequest).mutation(({ ctx, input }) => cancelBuild(ctx.db, ctx.actor, input.buildId)),
  cancelRun: procedureFor('build.start').input(ZRunIdRequest).mutation(({ ctx, input }) => cancelRun(ctx.db, ctx.actor, input.runId)),
  list: readProcedure.input(ZFindBuildsRequest).query(({ ctx, input }) => findBuilds(ctx.db, input)),
  facets: readProcedure.query(({ ctx }) => findBuildFacets(ctx.db)),
  get: readProcedure.input(ZBuildIdRequest).query(({ ctx, input }) => getBuild(ctx.db, input.buildId)),
  run: readProcedure.input(ZRunIdRequest).query(({ ctx, input }) => getRunDetail(ctx.db, input.runId)),
  logs: readProcedure.input(ZRunLogsRequest).query(({ ctx, input }) => readRunLogs(ctx.db, input)),
});
