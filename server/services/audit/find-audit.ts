import { desc, lt } from 'drizzle-orm';
import type { Db } from '@/db';
import { tables } from '@/db';

export async function findAudit(db: Db, opts: { limit: number; before?: Date }) {
  const rows = await db
    .select()
    .from(tables.auditLog)
    .where(opts.before ? lt(tables.auditLog.createdAt, opts.before) : undefined)
    .orderBy(desc(tables.auditLog.createdAt))
    .limit(opts.limit);
  return rows.map((r) => ({
    id: r.id,
    actorEmail: r.actorEmail,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    details: r.details,
    createdAt: r.createdAt,
  }));
}
