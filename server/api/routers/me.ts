import { ZUpdatePreferencesRequest } from '@/server/api/schemas/users';
import { readProcedure, router, selfProcedure } from '@/server/api/trpc';
import { getMe } from '@/server/services/me/get-me';
import { updatePreferences } from '@/server/services/me/update-preferences';

export const meRouter = router({
  get: readProcedure.query(({ ctx }) => getMe(ctx.db, ctx.actor)),
  updatePreferences: selfProcedure
    .input(ZUpdatePreferencesRequest)
    .mutation(({ ctx, input }) => updatePreferences(ctx.db, ctx.actor, input)),
});
