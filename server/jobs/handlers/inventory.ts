import type { Db } from '@/db';
import { enqueueDueSyncs } from '@/server/services/clouds/request-inventory-sync';
import { syncAccountInventory } from '@/server/services/clouds/sync-account-inventory';
import { logger } from '@/server/lib/logger';
import { QUEUES } from '../queues';

export async function handleInventorySync(db: Db, data: unknown, signal?: AbortSignal) {
  const req = QUEUES['inventory.sync'].payload.parse(data);
  const result = await syncAccountInventory(db, req, signal);
  const failed = result.results.filter((r) => 'error' in r).length;
  logger.info({ accountId: req.accountId, regions: result.results.length, failed, wallMs: result.wallMs }, 'inventory sync finished');
  return result;
}

export async function handleInventorySchedule(db: Db) {
  const queued = await enqueueDueSyncs(db);
  if (queued) logger.info({ queued }, 'scheduled inventory syncs');
}
