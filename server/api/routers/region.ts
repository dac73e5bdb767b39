import { ZCreateRegionGroupRequest, ZRegionGroupIdRequest, ZRegionRef, ZSetRegionStrategyRequest, ZUpdateRegionGroupRequest } from '@/server/api/schemas/regions';
import { adminProcedure, readProcedure, router } from '@/server/api/trpc';
import { createRegionGroup, deleteRegionGroup, findRegionGroups, updateRegionGroup } from '@/server/services/regions/region-groups';
import { applyRegionSuggestion, findRegionStrategies, setRegionStrategy } from '@/server/services/regions/region-strategies';

export const regionStrategyRouter = router({
  // Every reader sees how each region builds; admins change it.
  list: readProcedure.query(({ ctx }) => findRegionStrategies(ctx.db)),
  set: adminProcedure.input(ZSetRegionStrategyRequest).mutation(({ ctx, input }) => setRegionStrategy(ctx.db, ctx.actor, input)),
  applySuggestion: adminProcedure.input(ZRegionRef).mutation(({ ctx, input }) => applyRegionSuggestion(ctx.db, ctx.actor, input)),
});

export const regionGroupRouter = router({
  list: readProcedure.query(({ ctx }) => findRegionGroups(ctx.db)),
  create: adminProcedure.input(ZCreateRegionGroupRequest).mutation(({ ctx, input }) => createRegionGroup(ctx.db, ctx.actor, input)),
  update: adminProcedure.input(ZUpdateRegionGroupRequest).mutation(({ ctx, input }) => updateRegionGroup(ctx.db, ctx.actor, input)),
  delete: adminProcedure.input(ZRegionGroupIdRequest).mutation(({ ctx, input }) => deleteRegionGroup(ctx.db, ctx.actor, input.id)),
});
