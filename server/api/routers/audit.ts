import { adminProcedure, router } from '@/server/api/trpc';
import { ZFindAuditRequest } from '@/server/api/schemas/audit';
import { findAudit, findAuditFacets } from '@/server/services/audit/find-audit';

export const auditRouter = router({
  list: adminProcedure.input(ZFindAuditRequest).query(({ ctx, input }) => findAudit(ctx.db, input)),
  facets: adminProcedure.query(({ ctx }) => findAuditFacets(ctx.db)),
});
