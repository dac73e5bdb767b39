import type PgBoss from 'pg-boss';
import type { Database } from '@/db';
import { logger } from '@/server/lib/logger';
import { startBoss } from './boss';
import { handlePurgeSessions } from './handlers/housekeeping-purge-sessions';
import { handleInventorySchedule, handleInventorySync } from './handlers/inventory';

/** Starts pg-boss as a worker and subscribes every queue's handler. */
export async function startWorker(database: Database, opts: { pollingIntervalSeconds?: number } = {}): Promise<PgBoss> {
  const boss = await startBoss(database, { role: 'worker' });
  const polling = { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2 };
  await boss.work('housekeeping.purge-sessions', polling, async (jobs) => {
    for (const job of jobs) await handlePurgeSessions(database.db, job.data);
  });
  // Two accounts sync side by side per worker process; each limits its own regions (syncConcurrency).
  for (let i = 0; i < 2; i++) {
    await boss.work('inventory.sync', { ...polling, batchSize: 1 }, async ([job]) => {
      if (job) await handleInventorySync(database.db, job.data);
    });
  }
  await boss.work('inventory.schedule', polling, async () => handleInventorySchedule(database.db));
  logger.info({ driver: database.driver }, 'worker started');
  return boss;
}
