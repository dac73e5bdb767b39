import { ZChangePasswordRequest } from '@/server/api/schemas/password';
import { ZUpdatePreferencesRequest } from '@/server/api/schemas/users';
import { readProcedure, router, selfProcedure } from '@/server/api/trpc';
import { changeOwnPassword } from '@/server/services/me/change-password';
import { getMe } from '@/server/services/me/get-me';
import { updatePreferences } from '@/server/services/me/update-preferences';

export const meRouter = router({
  get: readProcedure.query(({ ctx }) => getMe(ctx.db, ctx.actor)),
  updatePreferences: selfProcedure
    .input(ZUpdatePreferencesRequest)
    .mutation(({ ctx, input }) => updatePreferences(ctx.db, ctx.actor, input)),
  changePassword: selfProcedure
    .input(ZChangePasswordRequest)
    .mutation(({ ctx, input }) => changeOwnPassword(ctx.db, ctx.actor, ctx.sessionId ?? null, input)),
});
