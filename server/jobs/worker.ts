import type PgBoss from 'pg-boss';
import type { Database } from '@/db';
import { logger } from '@/server/lib/logger';
import { startBoss } from './boss';
import { handlePurgeSessions } from './handlers/housekeeping-purge-sessions';

/** Starts pg-boss as a worker and subscribes every queue's handler. */
export async function startWorker(database: Database, opts: { pollingIntervalSeconds?: number } = {}): Promise<PgBoss> {
  const boss = await startBoss(database, { role: 'worker' });
  const polling = { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2 };
  await boss.work('housekeeping.purge-sessions', polling, async (jobs) => {
    for (const job of jobs) await handlePurgeSessions(database.db, job.data);
  });
  logger.info({ driver: database.driver }, 'worker started');
  return boss;
}
