import type { Db } from '@/db';
import { AUDIT_EXPORT_MAX_ROWS, SYSTEM_ACTOR, type TAuditFilter } from '@/server/api/schemas/audit';
import { toCsv } from '@/server/lib/csv';
import { findAuditForExport } from './find-audit';

const HEADER = ['time_utc', 'actor', 'action', 'target_type', 'target_id', 'target_name', 'target_deleted', 'details'] as const;

/** The filtered log as CSV (newest first, at most AUDIT_EXPORT_MAX_ROWS rows) and how many rows it holds. */
export async function exportAuditCsv(db: Db, filter: TAuditFilter): Promise<{ csv: string; rows: number }> {
  const entries = await findAuditForExport(db, filter, AUDIT_EXPORT_MAX_ROWS);
  const csv = toCsv(
    HEADER,
    entries.map((e) => [
      e.createdAt.toISOString(),
      e.actorEmail ?? SYSTEM_ACTOR,
      e.action,
      e.target.type,
      e.target.id,
      e.target.name,
      e.target.deleted,
      JSON.stringify(e.details),
    ]),
  );
  return { csv, rows: entries.length };
}
