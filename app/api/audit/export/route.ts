// GET /api/audit/export — the filtered audit log as CSV (admins only).
import { handleAuditExport } from '@/server/api/audit-export';

export const dynamic = 'force-dynamic';
export { handleAuditExport as GET };
