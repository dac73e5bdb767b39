import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';
import { SYNC_HEARTBEAT } from '@/server/jobs/enqueue';

export interface InterruptedSync {
  id: string;
  accountId: string;
  bossJobId: string | null;
}

const staleBefore = () => sql`now() - make_interval(secs => ${SYNC_HEARTBEAT.staleAfterSeconds})`;

/**
 * Marks `running` syncs whose worker is gone as `interrupted` (with their unfinished region
 * rows): those whose heartbeat lapsed, or — when the caller knows no other process can be
 * running one (PGlite is one process's database, and this process just started) — all of them.
 */
export async function interruptStaleSyncs(db: Db, opts: { accountId?: string; everyRunning?: boolean } = {}): Promise<InterruptedSync[]> {
  const j = tables.inventorySyncJobs;
  const lapsed = opts.everyRunning ? undefined : or(lt(j.heartbeatAt, staleBefore()), and(isNull(j.heartbeatAt), lt(j.updatedAt, staleBefore())));
  const where = and(eq(j.status, 'running'), opts.accountId ? eq(j.accountId, opts.accountId) : undefined, lapsed);
  return interrupt(db, where, 'The worker running this sync stopped before it finished (no heartbeat).');
}

/**
 * Marks a `queued` sync as `interrupted` when its pg-boss job will never run it: the job was
 * never sent (the process died in between), or pg-boss no longer holds it as waiting.
 */
export async function interruptOrphanedSync(db: Db, syncJobId: string, reason: string): Promise<InterruptedSync[]> {
  const j = tables.inventorySyncJobs;
  return interrupt(db, and(eq(j.id, syncJobId), eq(j.status, 'queued')), reason);
}

/** Queued rows old enough that their pg-boss job should be checked. */
export function findQueuedSyncsToCheck(db: Db) {
  const j = tables.inventorySyncJobs;
  return db
    .select({ id: j.id, accountId: j.accountId, bossJobId: j.bossJobId })
    .from(j)
    .where(and(eq(j.status, 'queued'), lt(j.updatedAt, staleBefore())));
}

async function interrupt(db: Db, where: ReturnType<typeof and>, reason: string): Promise<InterruptedSync[]> {
  const { inventorySyncJobs: j, inventorySyncs: s } = tables;
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(j)
      .set({
        status: 'interrupted',
        errorCode: 'INTERRUPTED',
        error: reason,
        finishedAt: sql`now()`,
        durationMs: sql`(extract(epoch from now() - coalesce(${j.startedAt}, ${j.createdAt})) * 1000)::int`,
      })
      .where(where)
      .returning({ id: j.id, accountId: j.accountId, bossJobId: j.bossJobId });
    if (rows.length) {
      await tx
        .update(s)
        .set({ status: 'interrupted', error: reason, finishedAt: sql`now()` })
        .where(and(inArray(s.jobId, rows.map((r) => r.id)), inArray(s.status, ['queued', 'running'])));
    }
    return rows;
  });
}
