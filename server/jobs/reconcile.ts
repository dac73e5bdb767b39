import type PgBoss from 'pg-boss';
import type { Db } from '@/db';
import { SYNC_HEARTBEAT } from './queues';
import { logger } from '@/server/lib/logger';
import { findQueuedSyncsToCheck, interruptOrphanedSync, interruptStaleSyncs, type InterruptedSync } from '@/server/services/clouds/mark-interrupted-syncs';

const WAITING = new Set(['created', 'retry']);

/**
 * Finds inventory syncs whose worker is gone and says so: `running` rows with a lapsed
 * heartbeat (or, when `everyRunning`, all of them) and `queued` rows whose pg-boss job will
 * never run them become `interrupted`. Their pg-boss jobs are failed now instead of at their
 * expiry, so pg-boss retries them per the queue's policy (queues.ts); the retry takes the
 * interrupted row up again.
 */
export async function reconcileInventorySyncs(db: Db, boss: PgBoss, opts: { everyRunning?: boolean } = {}): Promise<InterruptedSync[]> {
  const interrupted = await interruptStaleSyncs(db, { everyRunning: opts.everyRunning });
  for (const row of await findQueuedSyncsToCheck(db)) {
    const job = row.bossJobId ? await boss.getJobById('inventory.sync', row.bossJobId) : null;
    if (job && WAITING.has(job.state)) continue;
    // Taken by a worker a moment ago: its handler is about to mark the row running.
    if (job?.state === 'active' && Date.now() - new Date(job.startedOn).getTime() < SYNC_HEARTBEAT.staleAfterSeconds * 1000) continue;
    const reason = !job
      ? 'The sync was never handed to a worker (its job is missing).'
      : job.state === 'active'
        ? 'The worker that took this sync stopped before starting it.'
        : `The sync's job ended (${job.state}) without running it.`;
    interrupted.push(...(await interruptOrphanedSync(db, row.id, reason)));
  }
  for (const row of interrupted) {
    if (!row.bossJobId) continue;
    // Moves an active (or waiting) job to retry, or to failed when its retries are used up.
    await boss.fail('inventory.sync', row.bossJobId, { message: 'interrupted: its worker is gone' }).catch((err: unknown) => logger.warn({ err, bossJobId: row.bossJobId }, 'could not fail an interrupted job'));
  }
  if (interrupted.length) logger.warn({ syncs: interrupted.map((r) => r.id) }, 'marked interrupted inventory syncs');
  return interrupted;
}
