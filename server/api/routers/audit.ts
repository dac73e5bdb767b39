import { z } from 'zod';
import { adminProcedure, router } from '@/server/api/trpc';
import { findAudit } from '@/server/services/audit/find-audit';

export const auditRouter = router({
  list: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50), before: z.date().optional() }))
    .query(({ ctx, input }) => findAudit(ctx.db, input)),
});
