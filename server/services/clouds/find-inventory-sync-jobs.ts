import { desc, eq, inArray, sql } from 'drizzle-orm';
import { tables, type DbOrTx } from '@/db';
import type { TSyncErrorCode } from '@/server/api/schemas/clouds';
import { SYNC_HEARTBEAT } from '@/server/jobs/enqueue';

const j = tables.inventorySyncJobs;

/**
 * Whether the sync is really under way, by the database's clock: running with a fresh
 * heartbeat, or queued (waiting for a worker) for a bounded time. A row left `running` by a
 * dead worker is not live, so it never shows as running nor disables a button.
 */
const live = sql<boolean>`coalesce((${j.status} = 'running' and ${j.heartbeatAt} > now() - make_interval(secs => ${SYNC_HEARTBEAT.staleAfterSeconds}))
    or (${j.status} = 'queued' and ${j.updatedAt} > now() - make_interval(secs => ${SYNC_HEARTBEAT.queuedForSeconds})), false)`;

// Counters are the sums of the job's region rows, so a running sync shows its progress. Spelled
// out: drizzle leaves columns unqualified in a one-table select, which would bind them here.
const totals = sql`(select coalesce(sum(r.pages_fetched), 0)::int as pages, coalesce(sum(r.api_calls), 0)::int as calls,
  coalesce(sum(r.images_seen), 0)::int as seen, coalesce(sum(r.images_added), 0)::int as added,
  coalesce(sum(r.images_removed), 0)::int as removed, count(r.id)::int as regions,
  count(r.id) filter (where r.status not in ('succeeded', 'queued', 'running'))::int as failed
  from inventory_syncs r where r.job_id = "inventory_sync_jobs"."id")`;

const columns = {
  id: j.id,
  accountId: j.accountId,
  trigger: j.trigger,
  regions: j.regions,
  status: j.status,
  attempt: j.attempt,
  errorCode: sql<TSyncErrorCode | null>`${j.errorCode}`,
  error: j.error,
  createdAt: j.createdAt,
  startedAt: j.startedAt,
  finishedAt: j.finishedAt,
  durationMs: j.durationMs,
  live,
  totals: sql<{ pages: number; calls: number; seen: number; added: number; removed: number; regions: number; failed: number }>`(select row_to_json(t) from ${totals} t)`,
};

export type SyncJobRow = Awaited<ReturnType<typeof findInventorySyncJobs>>[number];

/** An account's syncs, newest first (the Clouds page's history). */
export function findInventorySyncJobs(db: DbOrTx, opts: { accountId: string; limit: number }) {
  return db.select(columns).from(j).where(eq(j.accountId, opts.accountId)).orderBy(desc(j.createdAt)).limit(opts.limit);
}

/** The latest sync of each of the given accounts. */
export async function findLatestSyncJobs(db: DbOrTx, accountIds: string[]): Promise<Map<string, SyncJobRow>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([j.accountId], columns)
    .from(j)
    .where(inArray(j.accountId, accountIds))
    .orderBy(j.accountId, desc(j.createdAt));
  return new Map(rows.map((r) => [r.accountId, r]));
}
