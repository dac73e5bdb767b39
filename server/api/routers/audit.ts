import { ZFindAuditRequest } from '@/server/api/schemas/audit';
import { adminProcedure, router } from '@/server/api/trpc';
import { findAudit } from '@/server/services/audit/find-audit';

export const auditRouter = router({
  list: adminProcedure.input(ZFindAuditRequest).query(({ ctx, input }) => findAudit(ctx.db, input)),
});
