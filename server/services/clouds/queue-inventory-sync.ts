import { and, eq, inArray, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { enqueue } from '@/server/jobs/enqueue';
import { logger } from '@/server/lib/logger';
import { interruptStaleSyncs } from './mark-interrupted-syncs';

export interface QueueSyncRequest {
  accountId: string;
  regions: string[] | 'all';
  trigger: 'schedule' | 'manual' | 'account-created';
  requestedBy?: string;
}

export type QueueSyncResult =
  | { accountId: string; outcome: 'queued'; syncJobId: string }
  /** A sync of this account is already queued or running: nothing new was queued. */
  | { accountId: string; outcome: 'already'; syncJobId: string; status: string; since: Date };

const ACTIVE: ('queued' | 'running')[] = ['queued', 'running'];

/**
 * Queues one account's inventory sync, at most one queued or running per account. The job's
 * row is written first (so even a job that fails before its first cloud call has a record),
 * guarded by the partial unique index `inventory_sync_jobs_one_active_uq`: of two concurrent
 * requests exactly one inserts; the other is told which sync is already under way.
 */
export async function queueAccountSync(db: Db, req: QueueSyncRequest): Promise<QueueSyncResult> {
  const j = tables.inventorySyncJobs;
  // A running row whose worker died must not block a new sync.
  await interruptStaleSyncs(db, { accountId: req.accountId });
  const [row] = await db
    .insert(j)
    .values({ accountId: req.accountId, trigger: req.trigger, regions: req.regions, requestedBy: req.requestedBy ?? null })
    .onConflictDoNothing({ target: j.accountId, where: sql`status in ('queued', 'running')` })
    .returning({ id: j.id });
  if (!row) {
    const [active] = await db
      .select({ id: j.id, status: j.status, createdAt: j.createdAt })
      .from(j)
      .where(and(eq(j.accountId, req.accountId), inArray(j.status, ACTIVE)))
      .limit(1);
    // The active one may have finished between the insert and this read: try once more.
    if (!active) return queueAccountSync(db, req);
    return { accountId: req.accountId, outcome: 'already', syncJobId: active.id, status: active.status, since: active.createdAt };
  }
  try {
    const bossJobId = await enqueue('inventory.sync', { syncJobId: row.id, accountId: req.accountId, regions: req.regions, trigger: req.trigger, requestedBy: req.requestedBy });
    await db.update(j).set({ bossJobId }).where(eq(j.id, row.id));
  } catch (err) {
    const message = `The sync could not be queued: ${(err as Error).message}`;
    await db
      .update(j)
      .set({ status: 'failed', errorCode: 'INTERNAL', error: message, finishedAt: sql`now()` })
      .where(eq(j.id, row.id));
    logger.error({ accountId: req.accountId, syncJobId: row.id, err }, 'inventory sync could not be queued');
    throw err;
  }
  return { accountId: req.accountId, outcome: 'queued', syncJobId: row.id };
}
