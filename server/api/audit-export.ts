import { z } from 'zod';
import { ZAuditFilter, AUDIT_URL_PARAMS } from '@/server/api/schemas/audit';
import { isTimeZone } from '@/server/api/schemas/locale';
import { getDatabase } from '@/server/services/database';
import { exportAuditCsv } from '@/server/services/audit/export-audit-csv';
import { getSessionUser } from '@/server/services/auth/get-actor';
import { logger } from '@/server/lib/logger';
import { can } from '@/server/lib/permissions';
import { guardedRoute } from './http/request-guard';

function problem(status: number, message: string, fieldErrors?: Record<string, string[]>) {
  return Response.json({ error: { message, fieldErrors } }, { status, headers: { 'cache-control': 'no-store' } });
}

/**
 * GET /api/audit/export?<the audit page's filters>&tz=<IANA zone> — the filtered audit log as a
 * CSV download. Admins only (checked here, on the session cookie); a GET that changes nothing.
 */
export const handleAuditExport = guardedRoute(
  // A GET with no body; another site may not start it (the page links to it from the console).
  { maxBodyBytes: 0, sameOriginReads: true },
  exportAudit,
);

async function exportAudit(req: Request): Promise<Response> {
  const user = await getSessionUser(req.headers);
  if (!user) return problem(401, 'Sign in first.');
  if (!can(user.actor.role, 'admin')) return problem(403, `Your role (${user.actor.role}) may not do this.`);

  const url = new URL(req.url);
  const raw: Record<string, string> = {};
  for (const [field, param] of Object.entries(AUDIT_URL_PARAMS)) {
    const value = url.searchParams.get(param)?.trim();
    if (value && field !== 'page' && field !== 'pageSize') raw[field] = value;
  }
  // Days are read in the zone the page showed them in; else the user's own, else UTC.
  const tz = url.searchParams.get('tz');
  raw.timeZone = tz ?? (isTimeZone(user.timeZone) ? user.timeZone : 'UTC');
  const parsed = ZAuditFilter.safeParse(raw);
  if (!parsed.success) return problem(400, 'Some filters are not valid.', z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);

  const { db } = await getDatabase();
  const { csv, rows } = await exportAuditCsv(db, parsed.data);
  logger.info({ actor: user.actor.email, rows }, 'audit log exported');
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-${stamp}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
