import { ZCreateUserRequest, ZUpdateUserRequest, ZUserIdRequest } from '@/server/api/schemas/users';
import { adminProcedure, router } from '@/server/api/trpc';
import { createUser } from '@/server/services/users/create-user';
import { findUsers } from '@/server/services/users/find-users';
import { resetUserPassword } from '@/server/services/users/reset-password';
import { updateUser } from '@/server/services/users/update-user';

export const userRouter = router({
  list: adminProcedure.query(({ ctx }) => findUsers(ctx.db)),
  create: adminProcedure.input(ZCreateUserRequest).mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input)),
  update: adminProcedure.input(ZUpdateUserRequest).mutation(({ ctx, input }) => updateUser(ctx.db, ctx.actor, input)),
  resetPassword: adminProcedure
    .input(ZUserIdRequest)
    .mutation(({ ctx, input }) => resetUserPassword(ctx.db, ctx.actor, input.id, { currentSessionId: ctx.sessionId })),
});
